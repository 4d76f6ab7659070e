/**
 * Child processes of a benchmark run: spawned pinned to a CPU with `taskset`, tracked in one
 * registry so every child is killed when the run ends, fails or is interrupted (SIGINT/SIGTERM,
 * uncaught errors), plus the /proc readings the benchmarks need (CPU seconds, RSS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { spawnManaged, type ManagedProc } from '@arcp/cluster';

const live = new Set<ChildProcess>();
const adopted = new Set<number>();
let hooked = false;

/** Kills every child still alive (SIGKILL: at this point nobody waits for a graceful exit). */
export function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
  for (const pid of adopted) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  adopted.clear();
}

/** A child spawned elsewhere (nats-server from the testkit) that must die with the run too. */
export function adopt(pid: number): () => void {
  hookExit();
  adopted.add(pid);
  return () => void adopted.delete(pid);
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
}

/** For the CLI: signals and uncaught errors also kill every child before the process exits. */
export function installSignalCleanup(): void {
  hookExit();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: interrupted by ${sig}, killing child processes\n`);
      killAll();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    console.error(err);
    killAll();
    process.exit(1);
  });
}

export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The process as @arcp/cluster manages it. */
  readonly managed: ManagedProc;
  /** The last ~20 kB of stdout+stderr. */
  output(): string;
  exited(): boolean;
  /** Resolves true once the process exited, false after `timeoutMs`. */
  waitExit(timeoutMs: number): Promise<boolean>;
  /** Signals the process and waits up to `graceMs` for it to exit, then SIGKILLs it. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  /** CPU list for `taskset -c` (e.g. "0"); undefined = not pinned. */
  cpu?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep stdin as a pipe (wsload, feeder commands). */
  stdin?: boolean;
  /** Called with every complete stdout line. */
  onLine?: (line: string) => void;
}

export function spawnPinned(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): Proc {
  return track(
    spawnManaged(name, cmd, args, {
      cpu: opts.cpu,
      env: { ...process.env, ...opts.env },
      cwd: opts.cwd,
      stdin: opts.stdin,
      onLine: opts.onLine,
    }),
  );
}

/** Registers a spawned process so it dies with the run, and gives it the benchmarks' interface. */
export function track(managed: ManagedProc): Proc {
  hookExit();
  if (managed.pid < 0) throw new Error(`cannot spawn ${managed.name}`);
  live.add(managed.child);
  void managed.exited.then(() => live.delete(managed.child));
  return {
    name: managed.name,
    pid: managed.pid,
    child: managed.child,
    managed,
    output: () => managed.output(),
    exited: () => managed.isExited(),
    waitExit: (timeoutMs) =>
      withTimeout(
        managed.exited.then(() => true),
        timeoutMs,
        managed.name,
      ).catch(() => false),
    stop: async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000) => void (await managed.stop(signal, graceMs)),
  };
}

/** Pins an already running process (every thread) to a CPU list. */
export async function pin(pid: number, cpu: string): Promise<void> {
  const p = spawn('taskset', ['-a', '-cp', cpu, String(pid)], { stdio: 'ignore' });
  await new Promise((r) => p.once('exit', r));
}

const CLK_TCK = 100;

/** User+system CPU seconds of a process (all threads) so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Resident set size in bytes (VmRSS); 0 once the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU use (cores) of several processes over a window: call `start()`, then `cores()`. */
export class CpuMeter {
  private t0 = 0;
  private c0: number[] = [];
  constructor(private readonly pids: number[]) {}
  start(): void {
    this.t0 = performance.now();
    this.c0 = this.pids.map(cpuSeconds);
  }
  cores(): number[] {
    const secs = (performance.now() - this.t0) / 1000;
    return this.pids.map((pid, i) => (secs > 0 ? (cpuSeconds(pid) - this.c0[i]!) / secs : 0));
  }
}

/** Busy jiffies (everything but idle and iowait) and total jiffies of each CPU, from /proc/stat. */
function coreTimes(): Array<{ busy: number; total: number }> {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((l) => /^cpu\d+ /.test(l))
      .map((l) => {
        const v = l.trim().split(/\s+/).slice(1).map(Number);
        const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
        return { busy: total - v[3]! - v[4]!, total };
      });
  } catch {
    return [];
  }
}

/** How busy each CPU was (0..1) over a window, whoever used it: `start()`, then `busy()`. */
export class CoreMeter {
  private t0: Array<{ busy: number; total: number }> = [];
  start(): void {
    this.t0 = coreTimes();
  }
  busy(): number[] {
    return coreTimes().map((t, i) => {
      const d = t.total - (this.t0[i]?.total ?? 0);
      return d > 0 ? (t.busy - (this.t0[i]?.busy ?? 0)) / d : 0;
    });
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects after `ms` with `what`; for racing a promise against a deadline. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
