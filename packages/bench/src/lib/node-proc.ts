/**
 * Spawning TypeScript entry points of the workspace the way the product runs them (`node
 * --conditions=@arcp/source --import tsx <entry>`, one node process, no tsx CLI fork), pinned to
 * a CPU, optionally with the probe preloaded (memory readings and CPU profiles on request).
 */
import { join, resolve } from 'node:path';
import { spawnPinned, withTimeout, sleep, type Proc } from './procs';

export const ROOT = resolve(__dirname, '../../../..');
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
  const args = ['--conditions=@arcp/source', '--import', 'tsx'];
  const env: NodeJS.ProcessEnv = { ...opts.env };
  if (opts.probeFile) {
    args.unshift('--expose-gc');
    args.push('--import', PROBE);
    env.BENCH_PROBE_FILE = opts.probeFile;
  }
  args.push(entry.startsWith('/') ? entry : join(ROOT, entry));
  return spawnPinned(name, process.execPath, args, { cpu: opts.cpu, env, cwd: ROOT, stdin: opts.stdin, onLine: opts.onLine });
}

/** Polls an HTTP URL until it answers 200; fails with the process output when it dies or times out. */
export async function waitHttpOk(proc: Proc, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(`${proc.name} exited before ${url} answered:\n${proc.output().slice(-3000)}`);
    try {
      const res = await withTimeout(fetch(url), 2000, url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${proc.name}: ${url} not ready within ${timeoutMs} ms:\n${proc.output().slice(-3000)}`);
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
