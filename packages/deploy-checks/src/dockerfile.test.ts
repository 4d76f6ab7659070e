/**
 * The Dockerfile and .dockerignore by static rules (no engine on this machine), every image that
 * compose and the k8s base run being a service the Dockerfile builds, and each rule shown to
 * fire on a broken copy.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ComposeFile, appServices } from './compose';
import { dockerfilePolicy, stages, type RepoVersions } from './dockerfile';
import { readYaml, repoPath } from './repo';

const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
const dockerignore = readFileSync(repoPath('.dockerignore'), 'utf8');
const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string; packageManager: string };
const versions: RepoVersions = { pnpm: pkg.packageManager.split('@')[1]!, release: pkg.version };

describe('Dockerfile', () => {
  it('builds every service on node:20-bookworm-slim, production-only, non-root, with a readiness HEALTHCHECK', () => {
    expect(stages(dockerfile).map((s) => s.from)).toContain('node:20-bookworm-slim');
    expect(dockerfilePolicy(dockerfile, dockerignore, versions)).toEqual([]);
  });

  it.each<[string, (d: string) => string, RegExp]>([
    ['a `# syntax=` line', (d) => `# syntax=docker/dockerfile:1\n${d}`, /# syntax=.*DOCKER_BUILDKIT=0/],
    ['a cache mount', (d) => d.replace('RUN pnpm fetch', 'RUN --mount=type=cache,target=/root/.cache pnpm fetch'), /RUN --mount/],
    [
      'COPY --parents',
      (d) => d.replace('COPY pnpm-lock.yaml pnpm-workspace.yaml ./', 'COPY --parents */*/package.json ./'),
      /COPY --parents/,
    ],
    ['a RUN heredoc', (d) => d.replace('RUN pnpm fetch', 'RUN <<EOF\npnpm fetch\nEOF'), /RUN heredoc/],
    [
      'SERVICE read before the build',
      (d) => d.replace('FROM deps AS build\n', 'FROM deps AS build\nARG SERVICE\n'),
      /SERVICE is read before the workspace build/,
    ],
    [
      'a per-service compile',
      (d) => d.replace('RUN pnpm exec tsc -b tsconfig.build.json', 'RUN pnpm exec tsc -b services/registry/tsconfig.build.json'),
      /no stage compiles the whole workspace/,
    ],
    [
      'a listed workspace package',
      (d) => d.replace('COPY pnpm-lock.yaml pnpm-workspace.yaml ./', 'COPY packages/protocol/package.json packages/protocol/'),
      /names a workspace package/,
    ],
    [
      'another pnpm than packageManager',
      (d) => d.replace(`ARG PNPM_VERSION=${versions.pnpm}`, 'ARG PNPM_VERSION=9.0.0'),
      /PNPM_VERSION=9\.0\.0 differs from packageManager/,
    ],
    [
      "an image version other than package.json's",
      (d) => d.replace(`ARG VERSION=${versions.release}`, 'ARG VERSION=latest'),
      /VERSION=latest differs from package.json/,
    ],
  ])('catches %s', (_name, breakIt, complaint) => {
    const broken = breakIt(dockerfile);
    expect(broken).not.toBe(dockerfile);
    expect(dockerfilePolicy(broken, dockerignore, versions).join('\n')).toMatch(complaint);
  });

  it.each<[string, string, string, RegExp]>([
    ['an alpine runtime', 'ARG NODE_IMAGE=node:20-bookworm-slim', 'ARG NODE_IMAGE=node:20-alpine', /runtime image is node:20-alpine/],
    ['a root runtime', 'USER node', 'USER root', /non-root USER/],
    ['no HEALTHCHECK', 'HEALTHCHECK', '# HEALTHCHECK', /HEALTHCHECK on \/readyz/],
    ['dev dependencies in the image', 'deploy --prod --offline', 'deploy --offline', /pnpm deploy --prod/],
    ['an unpinned install', 'pnpm install --frozen-lockfile', 'pnpm install', /--frozen-lockfile/],
    ['a missing EXPOSE', 'EXPOSE 8080 9464', 'EXPOSE 8080', /EXPOSE 9464 is missing/],
  ])('catches %s', (_name, from, to, complaint) => {
    const broken = dockerfile.replace(from, to);
    expect(broken).not.toBe(dockerfile);
    expect(dockerfilePolicy(broken, dockerignore).join('\n')).toMatch(complaint);
  });

  it('catches a .dockerignore that lets node_modules in', () => {
    expect(dockerfilePolicy(dockerfile, dockerignore.replace('**/node_modules\n', '')).join('\n')).toMatch(/exclude \*\*\/node_modules/);
  });

  it('keeps every package that ships compiled output in the build context', () => {
    const excluded = dockerignore
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^(packages|services)\/[\w-]+(\/\*)?$/.test(l))
      .map((l) => l.replace(/\/\*$/, ''));
    expect(excluded.length).toBeGreaterThan(0);
    for (const dir of excluded) expect([dir, existsSync(repoPath(dir, 'tsconfig.build.json'))]).toEqual([dir, false]);
  });

  it('can build every image compose and the k8s base run', () => {
    const buildable = readdirSync(repoPath('services')).filter((s) => existsSync(repoPath('services', s, 'tsconfig.build.json')));
    const compose = readYaml<ComposeFile>(repoPath('docker-compose.yml'));
    for (const name of appServices(compose)) expect(buildable).toContain(compose.services[name]!.build!.args!.SERVICE);
    const base = readdirSync(repoPath('k8s/base'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => readFileSync(join(repoPath('k8s/base'), f), 'utf8'))
      .join('\n');
    const images = [...base.matchAll(/image: arcp\/([\w-]+)/g)].map((m) => m[1]!);
    expect(images.length).toBe(5);
    for (const image of images) expect(buildable).toContain(image);
  });
});
