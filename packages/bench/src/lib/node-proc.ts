/**
 * Spawning entry points of the workspace, pinned to a CPU, optionally with the probe preloaded
 * (memory readings and CPU profiles on request). The product's own processes (`product: true`)
 * run from the compiled build, as the container images run them (`node dist/main.js`): what is
 * measured is what ships. The TypeScript loader adds work of its own (every function it
 * compiles is named at run time, several percent of a gateway's CPU in a reconnect storm).
 * Harness processes (feeder, baselines) run from source.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ROOT, spawnEntry, waitHttpOk as waitReady } from '@arcp/cluster';
import { sleep, track, type Proc } from './procs';

export { ROOT };
export const PROBE = resolve(__dirname, '../probe/preload.ts');

export interface NodeEntryOptions {
  cpu?: string;
  env?: NodeJS.ProcessEnv;
  /** Preload the probe (SIGUSR2 → gc() + memory figures into BENCH_PROBE_FILE) with --expose-gc. */
  probeFile?: string;
  stdin?: boolean;
  onLine?: (line: string) => void;
  /** A process of the product: run it, and the workspace packages it loads, from the build. */
  product?: boolean;
  /** Node/V8 flags (the probe adds `--expose-gc`). */
  nodeFlags?: string[];
}

/** Brings the compiled build up to date (`tsc -b tsconfig.build.json`, incremental). */
export function buildProduct(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'pipe',
    timeout: 300_000,
  });
}

export function spawnNodeEntry(name: string, entry: string, opts: NodeEntryOptions = {}): Proc {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, ...(opts.probeFile ? { BENCH_PROBE_FILE: opts.probeFile } : {}) };
  return track(
    spawnEntry(name, entry, {
      env,
      cpu: opts.cpu,
      stdin: opts.stdin,
      onLine: opts.onLine,
      code: opts.product ? 'compiled' : 'source',
      nodeFlags: [...(opts.nodeFlags ?? []), ...(opts.probeFile ? ['--expose-gc'] : [])],
      ...(opts.probeFile ? { preload: [PROBE] } : {}),
    }),
  );
}

/** Polls an HTTP URL until it answers 200; fails with the process output when it dies or times out. */
export function waitHttpOk(proc: Proc, url: string, timeoutMs = 60_000): Promise<void> {
  return waitReady(proc.managed, url, timeoutMs);
}

/** Waits for a stdout line matching `re` (the line-callback must push lines into `lines`). */
export async function waitLine(proc: Proc, lines: string[], re: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hit = lines.find((l) => re.test(l));
    if (hit) return hit;
    if (proc.exited()) throw new Error(`${proc.name} exited before printing ${re}:\n${proc.output().slice(-3000)}`);
    await sleep(50);
  }
  throw new Error(`${proc.name}: no ${re} within ${timeoutMs} ms:\n${proc.output().slice(-3000)}`);
}
