/**
 * Starts a real `nats-server -js` on a free loopback port with a throwaway store directory, the
 * way nats.js's own test launcher does. Used when no NATS_URL is given and no Docker engine runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RunningNatsServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Finds `nats-server` on PATH, then in NATS_BIN_DIRS (default `/usr/sbin:/usr/local/bin`:
 * Debian installs it in /usr/sbin, which is not on every user's PATH); null when absent.
 */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const extra = env.NATS_BIN_DIRS ?? ['/usr/sbin', '/usr/local/bin'].join(delimiter);
  const dirs = [...(env.PATH ?? '').split(delimiter), ...extra.split(delimiter)];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
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
 * A free loopback TCP port for a server a test is about to start. Chosen below the kernel's
 * ephemeral range (32768+ on Linux), where every outgoing connection takes its local port: a port
 * from that range can be grabbed by some client socket between this check and the server's bind
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

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited early with code ${child.exitCode}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export interface StartNatsOptions {
  binary?: string;
  port?: number;
  /** Keep JetStream data here (survives restarts of the same directory); default a temp dir. */
  storeDir?: string;
  timeoutMs?: number;
}

export async function startNatsServer(opts: StartNatsOptions = {}): Promise<RunningNatsServer> {
  const binary = opts.binary ?? findNatsServerBinary();
  if (!binary) throw new Error('nats-server is not installed (looked on PATH and in /usr/sbin)');
  const port = opts.port ?? (await freePort());
  const ownStore = !opts.storeDir;
  const storeDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'arcp-nats-'));
  const child = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitForPort(port, child, opts.timeoutMs ?? 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    if (ownStore) rmSync(storeDir, { recursive: true, force: true });
  };
  return { url: `nats://127.0.0.1:${port}`, port, pid: child.pid ?? -1, stop };
}
