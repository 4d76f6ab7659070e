/**
 * Child processes of the local topology (cluster mode, the end-to-end suites, the benchmarks):
 * spawn with captured (or prefixed, echoed) output, optionally pinned to a CPU, wait for an HTTP
 * probe, stop with a signal and a bounded wait; and the small helpers around them (free ports,
 * finding a Debian binary). Node built-ins only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface ManagedProc {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Last 20 kB of stdout+stderr. */
  output(): string;
  /** Resolves with the exit code (null after a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  /** True once the process has exited. */
  isExited(): boolean;
  /** Sends `signal`, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Echo every output line to our stdout as `[name] line` (the CLI); else only capture. */
  echo?: boolean;
  /** Own process group, so a terminal's Ctrl-C reaches only the orchestrator (the CLI). */
  detached?: boolean;
  /** CPU list for `taskset -c` (e.g. "0"): the benchmarks pin servers and generators apart. */
  cpu?: string;
  /** Keep stdin as a pipe (commands to a load generator or feeder). */
  stdin?: boolean;
  /** Called with every complete stdout line. */
  onLine?: (line: string) => void;
}

export function spawnManaged(name: string, command: string, args: string[], opts: SpawnOptions = {}): ManagedProc {
  const [file, argv] = opts.cpu === undefined ? [command, args] : ['taskset', ['-c', opts.cpu, command, ...args]];
  const child = spawn(file, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let out = '';
  let partial = '';
  const keep = (chunk: Buffer, lines: boolean) => {
    const text = chunk.toString();
    out = (out + text).slice(-20_000);
    if (!lines || (!opts.echo && !opts.onLine)) return;
    const complete = (partial + text).split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (opts.echo) process.stdout.write(`[${name}] ${line}\n`);
      opts.onLine?.(line);
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => keep(chunk, true));
  child.stderr?.on('data', (chunk: Buffer) => {
    if (opts.echo) process.stdout.write(chunk.toString().replace(/^(?=.)/gm, `[${name}] `));
    keep(chunk, false);
  });
  child.stdin?.on('error', () => {}); // writing to a child that just exited
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      out += `\nspawn failed: ${err.message}`;
      resolve(-1);
    });
  });
  const isExited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    pid: child.pid ?? -1,
    child,
    exited,
    isExited,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000) {
      if (isExited() || child.pid === undefined) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `url` until it answers 200; fails early (with the output) when the process exits. */
export async function waitHttpOk(proc: ManagedProc, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.isExited()) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${url} answered:\n${proc.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name}: ${url} not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

/** Ports handed out by this process: two calls never return the same one. */
const handedOut = new Set<number>();

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free loopback TCP port for a server about to start. Chosen below the kernel's ephemeral
 * range (32768+ on Linux), where every outgoing connection takes its local port: a port from that
 * range can be grabbed by some client socket between this check and the server's bind
 * (EADDRINUSE in a cluster start). Never the same port twice per process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    handedOut.add(port); // reserved before the check, so concurrent calls cannot pick it too
    if (await canBind(port)) return port;
    handedOut.delete(port);
  }
  throw new Error('no free port found in 20000-31999');
}

/** Where Debian installs nginx and nats-server (/usr/sbin is not on every user's PATH). */
const SYSTEM_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];

/** An executable on PATH, then in `extraDirs` (default the system directories above); null when absent. */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env, extraDirs: readonly string[] = SYSTEM_DIRS): string | null {
  const dirs = [...(env.PATH ?? '').split(delimiter), ...extraDirs];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return null;
}
