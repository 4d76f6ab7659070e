/**
 * Child processes of the local cluster mode (scripts/cluster.ts): spawn with captured (or
 * prefixed, echoed) output, wait for an HTTP probe, stop with a signal and a bounded wait, and
 * the small helpers the orchestrator needs (free ports, finding a binary). Node built-ins only,
 * so the script runs without a build and the e2e suite can import it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export interface ManagedProc {
  readonly name: string;
  readonly child: ChildProcess;
  /** Last 20 kB of stdout+stderr. */
  output(): string;
  /** Resolves with the exit code (null after a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  /** Sends `signal`, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Echo every output line to our stdout as `[name] line` (the CLI); else only capture. */
  echo?: boolean;
  /** Own process group, so a terminal's Ctrl-C reaches only the orchestrator (the CLI). */
  detached?: boolean;
}

export function spawnManaged(name: string, command: string, args: string[], opts: SpawnOptions): ManagedProc {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: opts.detached ?? false });
  let out = '';
  let partial = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    out = (out + text).slice(-20_000);
    if (!opts.echo) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      out += `\nspawn failed: ${err.message}`;
      resolve(-1);
    });
  });
  return {
    name,
    child,
    exited,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
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
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before ${url} answered:\n${proc.output()}`);
    }
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name}: ${url} not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

/** A loopback port the kernel considers free right now (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * An executable on PATH, then in `/usr/sbin` and `/usr/local/bin` (Debian installs nginx and
 * nats-server in /usr/sbin, which is not on every user's PATH); null when absent.
 */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
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
