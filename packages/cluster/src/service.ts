/**
 * Spawning the product's own entry points as separate processes, exactly as `pnpm start` runs the
 * standalone one: `node --conditions=@arcp/source --import tsx services/<name>/src/main.ts`, in one
 * node process (not the tsx CLI, which forks a child), so a signal really reaches the server; or,
 * for measurements, from the compiled build the container images run.
 */
import { join, resolve } from 'node:path';
import { spawnManaged, type ManagedProc, type SpawnOptions } from './process';

/** The repository root (this file is packages/cluster/src/service.ts). */
export const ROOT = resolve(__dirname, '../../..');

/** The entry point of a service directory under services/. */
export function serviceEntry(service: string): string {
  return join(ROOT, 'services', service, 'src', 'main.ts');
}

export interface ServiceSpawnOptions extends Omit<SpawnOptions, 'cwd'> {
  /** Node flags before the loader (e.g. `--expose-gc`). */
  nodeFlags?: string[];
  /** Modules imported after the TypeScript loader (e.g. a probe). */
  preload?: string[];
  /**
   * `compiled`: the workspace's packages load from their `dist` build (`tsc -b
   * tsconfig.build.json`) and a service entry `services/<name>/src/main.ts` runs as its
   * `dist/main.js`, as the container images run them; an entry without a build of its own (a
   * benchmark baseline) still loads through the TypeScript loader. Default `source`.
   */
  code?: 'source' | 'compiled';
}

const SERVICE_SOURCE_ENTRY = /^services\/([^/]+)\/src\/main\.ts$/;

/** Runs a TypeScript entry point of the workspace (absolute, or relative to the repository root). */
export function spawnEntry(name: string, entry: string, opts: ServiceSpawnOptions = {}): ManagedProc {
  const compiled = opts.code === 'compiled';
  if (compiled) entry = entry.replace(SERVICE_SOURCE_ENTRY, 'services/$1/dist/main.js');
  const args = [
    ...(opts.nodeFlags ?? []),
    ...(compiled ? [] : ['--conditions=@arcp/source']),
    '--import',
    'tsx',
    ...(opts.preload ?? []).flatMap((p) => ['--import', p]),
  ];
  args.push(entry.startsWith('/') ? entry : join(ROOT, entry));
  return spawnManaged(name, process.execPath, args, { ...opts, cwd: ROOT });
}
