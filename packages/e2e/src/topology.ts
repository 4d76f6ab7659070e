/**
 * The two shapes the end-to-end suite runs against: the distributed topology (nats-server,
 * registry, metrics, N replicas of each gateway, each its own process and port) and the
 * standalone product (one process, one port). Both expose the same `Topology` to the suite.
 */
import { randomBytes } from 'node:crypto';
import { freePort, uniquePrefix } from '@arcp/testkit';
import { spawnService, waitReady, type Proc } from './processes';

export type Channel = 'public' | 'agents' | 'dashboard';

export interface Topology {
  readonly kind: 'cluster' | 'standalone';
  /** Base URL of the registry HTTP API. */
  readonly http: string;
  /** WebSocket URLs per channel, one per replica (the standalone has one of each). */
  readonly ws: Readonly<Record<Channel, string[]>>;
  readonly env: Readonly<Record<string, string>>;
  readonly agentKeys: readonly string[];
  /**
   * Sockets that fill every replica reachable through `ws[channel][0]` (the per-replica
   * `*_WS_MAX_CONNECTIONS` cap, times the replicas behind it when that URL is a balancing edge).
   */
  capacity(channel: Channel): number;
  /** Kills replica `index` of a channel's gateway (cluster only). */
  killGateway(channel: Channel, index: number, signal?: NodeJS.Signals): Promise<void>;
  /**
   * Stops replica `index` (SIGTERM: it drains with 4200, unless already dead) and starts it again
   * on the same port with the same settings; resolves when it is ready. On a standalone topology
   * it restarts the whole product process.
   */
  restartGateway(channel: Channel, index: number): Promise<void>;
  output(): string;
  stop(): Promise<void>;
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

/** One gateway replica's connection cap for a channel under `env` (the services' defaults). */
export function perReplicaCap(env: Readonly<Record<string, string>>, channel: Channel): number {
  const [name, fallback] = CAP_VARS[channel];
  return env[name] ? Number(env[name]) : fallback;
}

/** How a gateway replica was started, so it can be started again the same way. */
interface GatewaySpec {
  name: string;
  entry: string;
  env: Record<string, string>;
  opsPort: number;
}

function topologyFrom(
  kind: Topology['kind'],
  procs: Proc[],
  http: string,
  ws: Topology['ws'],
  env: Record<string, string>,
  gatewaysOf: Record<Channel, Proc[]>,
  specsOf: Record<Channel, GatewaySpec[]> = { public: [], agents: [], dashboard: [] },
): Topology {
  return {
    kind,
    http,
    ws,
    env,
    agentKeys: env.AGENT_KEYS!.split(','),
    capacity: (channel) => perReplicaCap(env, channel),
    async killGateway(channel, index, signal = 'SIGKILL') {
      const proc = kind === 'cluster' ? gatewaysOf[channel][index] : undefined;
      if (!proc) throw new Error(`no ${channel} replica ${index} in a ${kind} topology`);
      await proc.kill(signal);
    },
    async restartGateway(channel, index) {
      const spec = specsOf[channel][index];
      const old = gatewaysOf[channel][index];
      if (!spec || !old) throw new Error(`no ${channel} replica ${index} in a ${kind} topology`);
      await old.kill('SIGTERM');
      const fresh = spawnService(spec.name, spec.entry, spec.env, spec.opsPort);
      procs[procs.indexOf(old)] = fresh;
      // The standalone process is every channel's gateway: replace it wherever it stands.
      for (const list of Object.values(gatewaysOf)) list.forEach((p, i) => p === old && (list[i] = fresh));
      await launch([fresh]);
    },
    output: () => procs.map((p) => `--- ${p.name}\n${p.output()}`).join('\n'),
    async stop() {
      await Promise.all(procs.map((p) => p.kill('SIGTERM')));
    },
  };
}

async function launch(procs: Proc[]): Promise<void> {
  try {
    await Promise.all(procs.map((p) => waitReady(p)));
  } catch (err) {
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    throw err;
  }
}

export async function startCluster(natsUrl: string, replicas = 2): Promise<Topology> {
  const env = { ...suiteEnv(), NATS_URL: natsUrl, ARCP_BUS_PREFIX: uniquePrefix('e2e') };
  const registryPort = await freePort();
  const procs: Proc[] = [
    spawnService('registry', 'services/registry/src/main.ts', { ...env, REGISTRY_PORT: String(registryPort), REGISTRY_HOST: '127.0.0.1' }, await freePort()),
    spawnService('metrics', 'services/metrics/src/main.ts', env, await freePort()),
  ];
  const ws: Record<Channel, string[]> = { public: [], agents: [], dashboard: [] };
  const gateways: Record<Channel, Proc[]> = { public: [], agents: [], dashboard: [] };
  const specs: Record<Channel, GatewaySpec[]> = { public: [], agents: [], dashboard: [] };
  for (const channel of ['public', 'agents', 'dashboard'] as const) {
    for (let i = 0; i < replicas; i++) {
      const port = await freePort();
      const spec = { name: `gateway-${channel}-${i}`, entry: `services/gateway-${channel}/src/main.ts`, env: { ...env, GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1' }, opsPort: await freePort() };
      const proc = spawnService(spec.name, spec.entry, spec.env, spec.opsPort);
      procs.push(proc);
      gateways[channel].push(proc);
      specs[channel].push(spec);
      ws[channel].push(`ws://127.0.0.1:${port}/${channel}/ws`);
    }
  }
  await launch(procs);
  return topologyFrom('cluster', procs, `http://127.0.0.1:${registryPort}`, ws, env, gateways, specs);
}

/** `overrides` adjusts the suite env for one run (e.g. an extra agent key, a shorter interval). */
export async function startStandaloneProduct(overrides: (env: Record<string, string>) => Record<string, string> = () => ({})): Promise<Topology> {
  const base = suiteEnv();
  const env = { ...base, ...overrides(base) };
  const port = await freePort();
  const spec: GatewaySpec = { name: 'standalone', entry: 'services/standalone/src/main.ts', env: { ...env, ARCP_PORT: String(port), ARCP_HOST: '127.0.0.1' }, opsPort: await freePort() };
  const proc = spawnService(spec.name, spec.entry, spec.env, spec.opsPort);
  await launch([proc]);
  const ws = { public: [`ws://127.0.0.1:${port}/public/ws`], agents: [`ws://127.0.0.1:${port}/agents/ws`], dashboard: [`ws://127.0.0.1:${port}/dashboard/ws`] };
  // Only restarts reach the standalone process through the channel lists; kills stay cluster-only.
  const specs = { public: [spec], agents: [spec], dashboard: [spec] };
  return topologyFrom('standalone', [proc], `http://127.0.0.1:${port}`, ws, env, { public: [proc], agents: [proc], dashboard: [proc] }, specs);
}
