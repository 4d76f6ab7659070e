/**
 * The distributed topology behind its nginx edge, as cluster mode runs it (`pnpm start:cluster`,
 * @arcp/cluster): two replicas of each gateway, the registry and the metrics service as
 * separate processes, and nginx routing one port with compose's routing file. Every URL the
 * suite gets is the edge's, so each test goes through the proxy's upgrade, routing and
 * round-robin. Needs Debian's nginx binary: skipped without it, except under CI=true.
 */
import { uniquePrefix } from '@arcp/testkit';
import { findNginx, startLocalCluster, type LocalCluster } from '@arcp/cluster';
import { perReplicaCap, perReplicaPerAddress, suiteEnv, type Channel, type Topology } from './topology';

export interface EdgeTopology extends Topology {
  readonly cluster: LocalCluster;
  readonly replicas: number;
}

/** `describe` when nginx is installed; a clear skip without it, and a failure under CI=true. */
export function describeWithEdge(name: string, fn: () => void): void {
  if (findNginx()) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has nginx installed', () => {
        throw new Error('nginx is not installed (PATH, /usr/sbin); CI=true refuses to skip the edge suite: list it in .ci/extra-packages');
      });
    });
  } else {
    describe.skip(`${name} (nginx not installed: apt-get install nginx)`, fn);
  }
}

/** `overrides` adjusts the suite env for one run (e.g. a longer heartbeat timeout). */
export async function startEdgeCluster(
  natsUrl: string,
  replicas = 2,
  overrides: (env: Record<string, string>) => Record<string, string> = () => ({}),
): Promise<EdgeTopology> {
  const base = { ...suiteEnv(), ARCP_BUS_PREFIX: uniquePrefix('edge') };
  const env = { ...base, ...overrides(base) };
  const cluster = await startLocalCluster({ replicas, natsUrl, env, edgePort: 0 });
  const ws = cluster.http.replace(/^http/, 'ws');
  const url = (channel: Channel) => [`${ws}/${channel}/ws`];
  return {
    kind: 'cluster',
    cluster,
    replicas,
    http: cluster.http,
    ws: { public: url('public'), agents: url('agents'), dashboard: url('dashboard') },
    env: cluster.env,
    agentKeys: cluster.env.AGENT_KEYS!.split(','),
    // The edge takes turns over the replicas, so the cap is reached on all of them at once.
    capacity: (channel) => perReplicaCap(cluster.env, channel) * replicas,
    perAddress: (channel) => perReplicaPerAddress(cluster.env, channel) * replicas,
    async killGateway(channel, index, signal = 'SIGKILL') {
      const gateway = cluster.gateways[channel][index];
      if (!gateway) throw new Error(`no ${channel} replica ${index}`);
      await gateway.proc.stop(signal);
    },
    async restartGateway(channel, index) {
      const gateway = cluster.gateways[channel][index];
      if (!gateway) throw new Error(`no ${channel} replica ${index}`);
      await gateway.restart();
    },
    output: () => cluster.output(),
    stop: () => cluster.stop(),
  };
}

/** `arcp_gateway_connections{channel}` as one replica's /metrics reports it. */
export async function replicaConnections(topo: EdgeTopology, channel: Channel, index: number): Promise<number> {
  const res = await fetch(`${topo.cluster.gateways[channel][index]!.ops}/metrics`);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`arcp_gateway_connections{channel="${channel}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}
