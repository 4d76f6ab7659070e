/**
 * Spawning TypeScript entry points of the workspace the way the product runs them (`node
 * --conditions=@arcp/source --import tsx <entry>`, one node process, no tsx CLI fork), pinned to
 * a CPU, optionally with the probe preloaded (memory readings and CPU profiles on request).
 */
import { resolve } from 'node:path';
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
}

export function spawnNodeEntry(name: string, entry: string, opts: NodeEntryOptions = {}): Proc {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, ...(opts.probeFile ? { BENCH_PROBE_FILE: opts.probeFile } : {}) };
  return track(
    spawnEntry(name, entry, {
      env,
      cpu: opts.cpu,
      stdin: opts.stdin,
      onLine: opts.onLine,
      ...(opts.probeFile ? { nodeFlags: ['--expose-gc'], preload: [PROBE] } : {}),
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
