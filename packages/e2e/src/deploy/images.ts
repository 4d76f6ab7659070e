/**
 * Builds the service images docker-compose.yml runs with the repository's own Dockerfile, the
 * way a user without BuildKit does (DOCKER_BUILDKIT=0 unless the environment chooses), so the
 * five builds share the dependency install and the workspace compile (the Dockerfile's layer
 * order). The shared stages are tagged (`<prefix>/build-cache:*`), which keeps them from being
 * dangling; after the builds, images the new ones replaced are removed, so repeated runs do
 * not pile up layers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { docker, must, runCmd } from './docker';
import { ROOT } from './stack';

export interface ImageBuild {
  service: string;
  image: string;
  ms: number;
  /** Every step came from the cache. */
  cached: boolean;
}

interface ComposeDoc {
  services: Record<string, { build?: { args?: Record<string, string> } }>;
}

/** Compose services built from this repository, with their Dockerfile SERVICE argument. */
export function buildableServices(composeFile = join(ROOT, 'docker-compose.yml')): Array<{ service: string; arg: string }> {
  const doc = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as ComposeDoc;
  return Object.entries(doc.services)
    .filter(([, s]) => s.build?.args?.SERVICE)
    .map(([service, s]) => ({ service, arg: s.build!.args!.SERVICE! }));
}

/** The classic builder's log shows no RUN, COPY or ADD step that missed the cache. */
export function allCached(buildLog: string): boolean {
  const steps = buildLog.split(/^Step \d+\/\d+ : /m).slice(1);
  const work = steps.filter((s) => /^(RUN|COPY|ADD)\b/.test(s));
  return work.length > 0 && work.every((s) => s.includes('Using cache'));
}

async function imageId(ref: string): Promise<string | null> {
  const r = await docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
  return r.code === 0 ? r.stdout.trim() : null;
}

export interface BuildOptions {
  prefix: string;
  tag: string;
  /** Print the builder's output as it comes (else only on failure). */
  verbose?: boolean;
}

export class ImageBuilder {
  private readonly before = new Map<string, string | null>();
  constructor(private readonly opts: BuildOptions) {}

  private async build(ref: string, args: string[]): Promise<{ ms: number; cached: boolean }> {
    if (!this.before.has(ref)) this.before.set(ref, await imageId(ref));
    const env = { ...process.env, DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT ?? '0' };
    const started = Date.now();
    // Host network: builds reach the npm registry however the engine's bridge is set up.
    const r = await must(
      `docker build ${ref}`,
      runCmd('docker', ['build', '--network', 'host', '--force-rm', ...args, '-t', ref, '.'], {
        cwd: ROOT,
        env,
        stream: this.opts.verbose,
      }),
    );
    return { ms: Date.now() - started, cached: allCached(r.output) };
  }

  /** The shared stages: the manifests, the dependency install and the compile of the whole workspace. */
  async workspace(): Promise<{ ms: number; cached: boolean }> {
    const manifests = await this.build(`${this.opts.prefix}/build-cache:manifests`, ['--target', 'manifests']);
    const build = await this.build(`${this.opts.prefix}/build-cache:workspace`, ['--target', 'build']);
    return { ms: manifests.ms + build.ms, cached: manifests.cached && build.cached };
  }

  /** One service image (its deploy stage is tagged too, as cache). */
  async service(service: string, arg: string): Promise<ImageBuild> {
    const stage = await this.build(`${this.opts.prefix}/build-cache:deploy-${arg}`, [
      '--target',
      'deploy',
      '--build-arg',
      `SERVICE=${arg}`,
    ]);
    const image = `${this.opts.prefix}/${service}:${this.opts.tag}`;
    const final = await this.build(image, ['--build-arg', `SERVICE=${arg}`, '--build-arg', `VERSION=${this.opts.tag}`]);
    return { service, image, ms: stage.ms + final.ms, cached: stage.cached && final.cached };
  }

  /**
   * Removes the images that the builds replaced under the same names, newest stages first (an
   * image with children cannot go; removing the children frees the untagged parents with
   * them); returns how many. One still used by a container stays.
   */
  async removeReplaced(): Promise<number> {
    let removed = 0;
    for (const [ref, old] of [...this.before].reverse()) {
      if (old && old !== (await imageId(ref)) && (await docker(['rmi', old])).code === 0) removed++;
    }
    return removed;
  }
}
