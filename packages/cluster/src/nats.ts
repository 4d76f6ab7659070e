/**
 * Starts a real `nats-server -js` on free loopback ports with a throwaway (or given) store
 * directory, the way nats.js's own test launcher does: for cluster mode, and for the integration
 * tests when no NATS_URL is given and no Docker engine runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findBinary, freePort, spawnManaged, waitHttpOk, type ManagedProc } from './process';

export interface RunningNatsServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** `http://127.0.0.1:<port>` of the monitoring endpoint (`/healthz`, `/varz`, `/jsz`). */
  readonly monitorUrl: string;
  readonly proc: ManagedProc;
  stop(): Promise<void>;
}

/**
 * Finds `nats-server` on PATH, then in NATS_BIN_DIRS (default the system directories where Debian
 * installs it; an empty value means nowhere else); null when absent.
 */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const extra = env.NATS_BIN_DIRS === undefined ? undefined : env.NATS_BIN_DIRS.split(delimiter).filter(Boolean);
  return findBinary('nats-server', env, extra);
}

export interface StartNatsOptions {
  binary?: string;
  port?: number;
  monitorPort?: number;
  /** Keep JetStream data here (survives restarts of the same directory); default a temp dir. */
  storeDir?: string;
  timeoutMs?: number;
  /** Echo its output as `[nats] ...` and give it its own process group (the cluster CLI). */
  interactive?: boolean;
}

export async function startNatsServer(opts: StartNatsOptions = {}): Promise<RunningNatsServer> {
  const binary = opts.binary ?? findNatsServerBinary();
  if (!binary) throw new Error('nats-server is not installed (looked on PATH and in /usr/sbin); Debian: apt-get install nats-server, or set NATS_URL');
  const port = opts.port ?? (await freePort());
  const monitorPort = opts.monitorPort ?? (await freePort());
  const ownStore = !opts.storeDir;
  const storeDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'arcp-nats-'));
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-sd', storeDir];
  const proc = spawnManaged('nats', binary, args, { echo: opts.interactive, detached: opts.interactive });
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  try {
    await waitHttpOk(proc, `${monitorUrl}/healthz?js-enabled-only=true`, opts.timeoutMs ?? 15_000);
  } catch (err) {
    await proc.stop('SIGKILL', 1000);
    if (ownStore) rmSync(storeDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: proc.pid,
    monitorUrl,
    proc,
    async stop() {
      await proc.stop('SIGTERM', 3000);
      if (ownStore) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
