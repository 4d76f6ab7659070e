/**
 * A JetStream cluster of real nats-server processes on loopback: N nodes (`n1`…), each with its
 * own client, monitoring and route ports and store directory, routes to every other node. A
 * node can be killed and started again on the same ports and store (it rejoins and catches up),
 * which is what the failover test and a rolling restart need. `pnpm start:cluster --nats 3`
 * runs one under the services.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireNatsServerBinary, spawnNatsNode, type NatsNodeConfig } from './nats';
import { freePort, type ManagedProc } from './process';
import { Supervisor } from './supervisor';

export interface StartNatsClusterOptions {
  /** Number of nodes (default 3). */
  size?: number;
  /** Cluster name (default `arcp`). */
  name?: string;
  binary?: string;
  /** Parent of the nodes' store and config directories; default a temp dir removed on stop. */
  dir?: string;
  /** Echo output as `[nats-n1] ...` with own process groups (the cluster CLI). */
  interactive?: boolean;
  timeoutMs?: number;
  /** Called with every nats-server process as soon as it is spawned, restarts included. */
  onProcess?: (proc: ManagedProc) => void;
  /**
   * Watches the nodes (`nats-n1`, ...): the local cluster's supervisor restarts a node that
   * exits on its own, on the same ports and store. Default: a node stays down until `start()`.
   */
  supervisor?: Supervisor;
}

export interface NatsClusterNode {
  /** Server name, also the process name's suffix: `n1`, `n2`, ... */
  readonly name: string;
  readonly url: string;
  /** `http://127.0.0.1:<port>` of its monitoring endpoint. */
  readonly monitorUrl: string;
  /** The current process (a restart replaces it). */
  proc(): ManagedProc;
  isRunning(): boolean;
  /**
   * Stops the process (SIGKILL by default: a crash, not a shutdown) and waits until it is gone;
   * it stays down (a supervisor leaves it alone) until `start()`.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with the same name, ports and store; resolves once JetStream answers. */
  start(): Promise<void>;
}

export interface RunningNatsCluster {
  readonly nodes: readonly NatsClusterNode[];
  /** Every node's client URL. */
  readonly urls: readonly string[];
  /** The URLs as one comma list, as NATS_URL takes them. */
  readonly url: string;
  /** The running processes. */
  procs(): ManagedProc[];
  /**
   * Resolves once every running node says it is healthy, JetStream included (`/healthz`: the
   * meta group has a leader and every stream and consumer it hosts is current).
   */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startNatsCluster(opts: StartNatsClusterOptions = {}): Promise<RunningNatsCluster> {
  const size = opts.size ?? 3;
  if (!Number.isInteger(size) || size < 1) throw new Error(`a NATS cluster needs a positive number of nodes, got ${size}`);
  const binary = requireNatsServerBinary(opts.binary);
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'arcp-nats-cluster-'));
  const supervisor = opts.supervisor ?? new Supervisor({ enabled: false, log: () => {} });
  const ports = await Promise.all(
    Array.from({ length: size }, async () => ({ client: await freePort(), monitor: await freePort(), route: await freePort() })),
  );
  const routes = ports.map((p) => p.route);
  const nodes = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const nodeDir = join(dir, name);
    mkdirSync(nodeDir, { recursive: true });
    const config: NatsNodeConfig = {
      serverName: name,
      port: p.client,
      monitorPort: p.monitor,
      storeDir: join(nodeDir, 'store'),
      ...(size > 1 ? { cluster: { name: opts.name ?? 'arcp', port: p.route, routes } } : {}),
    };
    return makeNode(name, binary, join(nodeDir, 'nats.conf'), config, opts, supervisor);
  });
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // In parallel: with routes, each node waits for its peers before JetStream is up.
    await Promise.all(nodes.map((n) => n.start()));
  } catch (err) {
    await stop();
    throw err;
  }
  const urls = nodes.map((n) => n.url);
  const cluster: RunningNatsCluster = {
    nodes,
    urls,
    url: urls.join(','),
    procs: () => nodes.filter((n) => n.isRunning()).map((n) => n.proc()),
    waitHealthy: (timeoutMs = 30_000) => waitAllHealthy(nodes, timeoutMs),
    stop,
  };
  await cluster.waitHealthy(opts.timeoutMs ?? 30_000);
  return cluster;
}

function makeNode(
  name: string,
  binary: string,
  file: string,
  config: NatsNodeConfig,
  opts: StartNatsClusterOptions,
  supervisor: Supervisor,
): NatsClusterNode {
  const spawnOpts = {
    interactive: opts.interactive,
    timeoutMs: opts.timeoutMs ?? 30_000,
    ...(opts.onProcess ? { onSpawn: opts.onProcess } : {}),
  };
  const spawn = () => spawnNatsNode(`nats-${name}`, binary, file, config, spawnOpts);
  const unit = supervisor.unit(`nats-${name}`, spawn);
  const running = () => {
    const current = unit.current();
    return !!current && !current.isExited();
  };
  return {
    name,
    url: `nats://127.0.0.1:${config.port}`,
    monitorUrl: `http://127.0.0.1:${config.monitorPort}`,
    proc() {
      const current = unit.current();
      if (!current) throw new Error(`nats ${name} was never started`);
      return current;
    },
    isRunning: running,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await unit.hold(async () => unit.current()?.stop(signal, 5000));
    },
    async start() {
      if (running()) throw new Error(`nats ${name} is already running`);
      await unit.replace(spawn);
    },
  };
}

async function waitAllHealthy(nodes: readonly NatsClusterNode[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(nodes.filter((n) => n.isRunning()));
  let last = '';
  while (pending.size > 0) {
    for (const node of [...pending]) {
      try {
        const res = await fetch(`${node.monitorUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) pending.delete(node);
        else last = `${node.name}: ${res.status} ${await res.text()}`;
      } catch (err) {
        last = `${node.name}: ${(err as Error).message}`;
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`NATS cluster not healthy within ${timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
