/**
 * The two shapes the end-to-end suite runs against: the distributed topology (nats-server,
 * registry, metrics, N replicas of each gateway, each its own process and port) and the
 * standalone product (one process, one port). Both expose the same `Topology` to the suite.
 */
import { randomBytes } from 'node:crypto';
import { freePort, serviceEntry, spawnEntry, startLocalCluster, waitHttpOk, type ManagedProc } from '@arcp/cluster';
import { CHANNEL_NAMES, channelPath, type ChannelName } from '@arcp/protocol';
import { uniquePrefix } from '@arcp/testkit';

export type Channel = ChannelName;

export interface Topology {
  readonly kind: 'cluster' | 'standalone';
  /** Base URL of the registry HTTP API. */
  readonly http: string;
  /** WebSocket URLs per channel, one per replica (the standalone has one of each). */
  readonly ws: Readonly<Record<Channel, readonly string[]>>;
  readonly env: Readonly<Record<string, string>>;
  readonly agentKeys: readonly string[];
  /**
   * Sockets that fill every replica reachable through `ws[channel][0]` (the per-replica
   * `*_WS_MAX_CONNECTIONS` cap, times the replicas behind it when that URL is a balancing edge).
   */
  capacity(channel: Channel): number;
  /** Sockets one client address may hold on every replica reachable through `ws[channel][0]` (pending ones on a channel with auth). */
  perAddress(channel: Channel): number;
  /** Kills replica `index` of a channel's gateway (cluster only). */
  killGateway(channel: Channel, index: number, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Stops replica `index` (SIGTERM: it drains with 4200, unless already dead) and starts it again
   * on the same port with the same settings; resolves when it is ready. On a standalone topology
   * it restarts the whole product process.
   */
  restartGateway(channel: Channel, index: number): Promise<void>;
  /** The Prometheus text of the ops server serving replica `index` of a channel (where the suite can reach it). */
  metricsText?(channel: Channel, index?: number): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

async function fetchMetrics(ops: string): Promise<string> {
  const res = await fetch(`${ops}/metrics`);
  if (res.status !== 200) throw new Error(`${ops}/metrics answered ${res.status}`);
  return res.text();
}

/** Settings that make the suite fast: short intervals and timeouts, small caps and limits. */
export function suiteEnv(): Record<string, string> {
  const keys = Array.from({ length: 24 }, (_, i) => `e2e-agent-key-${i}-${randomBytes(4).toString('hex')}`);
  return {
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: randomBytes(9).toString('base64url'),
    AGENT_KEYS: keys.join(','),
    AGENT_HEARTBEAT_TIMEOUT: '3',
    AGENT_CLEANUP_INTERVAL: '0.5',
    PUBLIC_WS_INTERVAL: '1',
    DASHBOARD_WS_INTERVAL: '1',
    TELEMETRY_INTERVAL_S: '1',
    LEADER_LEASE_TTL_S: '1.5',
    PUBLIC_WS_MAX_PAYLOAD_BYTES: '4096',
    PUBLIC_WS_RATE_PER_S: '20',
    PUBLIC_WS_RATE_BURST: '40',
    AGENT_WS_TIMEOUT: '2',
    DASHBOARD_WS_TIMEOUT: '2',
    DASHBOARD_WS_MAX_CONNECTIONS: '3',
    // The read-your-writes suite makes hundreds of requests back to back from one address.
    HTTP_RATE_PER_S: '200',
    HTTP_RATE_BURST: '400',
    SHUTDOWN_TIMEOUT_S: '5',
  };
}

const CAP_VARS: Record<Channel, [string, number]> = {
  public: ['PUBLIC_WS_MAX_CONNECTIONS', 100],
  agents: ['AGENT_WS_MAX_CONNECTIONS', 100],
  dashboard: ['DASHBOARD_WS_MAX_CONNECTIONS', 5],
};

const PER_ADDRESS_VARS: Record<Channel, [string, number]> = {
  public: ['PUBLIC_WS_MAX_PER_ADDRESS', 20],
  agents: ['AGENT_WS_MAX_PER_ADDRESS', 10],
  dashboard: ['DASHBOARD_WS_MAX_PER_ADDRESS', 4],
};

/** One gateway replica's per-address limit for a channel under `env` (the services' defaults). */
export function perReplicaPerAddress(env: Readonly<Record<string, string>>, channel: Channel): number {
  const [name, fallback] = PER_ADDRESS_VARS[channel];
  return env[name] ? Number(env[name]) : fallback;
}

/** One gateway replica's connection cap for a channel under `env` (the services' defaults). */
export function perReplicaCap(env: Readonly<Record<string, string>>, channel: Channel): number {
  const [name, fallback] = CAP_VARS[channel];
  return env[name] ? Number(env[name]) : fallback;
}

/** The distributed topology as separate processes (nats-server given), no edge: clients talk to each replica. */
export async function startCluster(
  natsUrl: string,
  replicas = 2,
  overrides: (env: Record<string, string>) => Record<string, string> = () => ({}),
): Promise<Topology> {
  const base = suiteEnv();
  const env = { ...base, ...overrides(base), ARCP_BUS_PREFIX: uniquePrefix('e2e') };
  const cluster = await startLocalCluster({ replicas, natsUrl, env, edge: false });
  return {
    kind: 'cluster',
    http: cluster.http,
    ws: cluster.replicaUrls,
    env: cluster.env,
    agentKeys: cluster.env.AGENT_KEYS!.split(','),
    capacity: (channel) => perReplicaCap(cluster.env, channel),
    perAddress: (channel) => perReplicaPerAddress(cluster.env, channel),
    async killGateway(channel, index, signal = 'SIGKILL') {
      const gateway = cluster.gateways[channel][index];
      if (!gateway) throw new Error(`no ${channel} replica ${index} in a cluster topology`);
      await gateway.proc.stop(signal);
    },
    async restartGateway(channel, index) {
      const gateway = cluster.gateways[channel][index];
      if (!gateway) throw new Error(`no ${channel} replica ${index} in a cluster topology`);
      await gateway.restart();
    },
    metricsText(channel, index = 0) {
      const gateway = cluster.gateways[channel][index];
      if (!gateway) throw new Error(`no ${channel} replica ${index} in a cluster topology`);
      return fetchMetrics(gateway.ops);
    },
    output: () => cluster.output(),
    stop: () => cluster.stop(),
  };
}

/** `overrides` adjusts the suite env for one run (e.g. an extra agent key, a shorter interval). */
export async function startStandaloneProduct(
  overrides: (env: Record<string, string>) => Record<string, string> = () => ({}),
): Promise<Topology> {
  const base = suiteEnv();
  const env = { ...base, ...overrides(base) };
  const [port, opsPort] = [await freePort(), await freePort()];
  const spawnIt = (): ManagedProc =>
    spawnEntry('standalone', serviceEntry('standalone'), {
      env: {
        ...process.env,
        ...env,
        ARCP_PORT: String(port),
        ARCP_HOST: '127.0.0.1',
        OPS_PORT: String(opsPort),
        OPS_HOST: '127.0.0.1',
        CI: undefined,
      },
    });
  let proc = spawnIt();
  try {
    await waitHttpOk(proc, `http://127.0.0.1:${opsPort}/readyz`, 30_000);
  } catch (err) {
    await proc.stop('SIGKILL', 1000);
    throw err;
  }
  const ws = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, [`ws://127.0.0.1:${port}${channelPath(c)}`]])) as Record<Channel, string[]>;
  return {
    kind: 'standalone',
    http: `http://127.0.0.1:${port}`,
    ws,
    env,
    agentKeys: env.AGENT_KEYS!.split(','),
    capacity: (channel) => perReplicaCap(env, channel),
    perAddress: (channel) => perReplicaPerAddress(env, channel),
    killGateway: () => Promise.reject(new Error('a standalone topology has no gateway replicas')),
    // The standalone process is every channel's gateway: restarting one restarts the product.
    async restartGateway() {
      await proc.stop('SIGTERM');
      proc = spawnIt();
      await waitHttpOk(proc, `http://127.0.0.1:${opsPort}/readyz`, 30_000);
    },
    metricsText: () => fetchMetrics(`http://127.0.0.1:${opsPort}`),
    output: () => `--- standalone\n${proc.output()}`,
    stop: async () => void (await proc.stop('SIGTERM')),
  };
}
