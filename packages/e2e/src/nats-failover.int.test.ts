/**
 * Losing NATS nodes under the running product: a three-node JetStream cluster of real
 * nats-server processes, the registry, the metrics service and one gateway per channel on top
 * (cluster mode, every service given every node's URL), agents registered and heartbeating,
 * and a client on each channel. The node leading the agents bucket is killed, then another one
 * once the first is back, then every node is restarted in turn. Throughout, a prober registers
 * a fresh agent every second; after each loss the suite measures how long until an agent
 * registered after it reaches all three channels, and at the end checks that nothing
 * registered was lost, every acknowledged registration reached every channel, every socket
 * stayed open and no service restarted.
 */
import { randomBytes } from 'node:crypto';
import { startLocalCluster, type LocalCluster, type NatsClusterNode, type RunningNatsCluster } from '@arcp/cluster';
import { subjects } from '@arcp/protocol';
import { describeWithNatsServer, uniquePrefix, waitFor } from '@arcp/testkit';
import { seenEverywhereAt, startProber, streamLeader, type Prober } from './failover';
import { call, loginAdmin, registerAgent, type RegisteredAgent } from './http';
import { suiteEnv } from './topology';
import { TestClient } from './ws-client';

/**
 * Bound on "frames flow again": from a node's loss until an agent registered after it is on
 * every channel. Measured here (2-core VM shared with other work) at 4-10 s after killing the
 * agents stream's leader and 1-6 s per node of a rolling restart at load averages up to 16; at
 * 20-27 14-16 s after a kill and once 28 s for the dashboard after a restart. The bound is
 * for such a machine; over it, the failure shows every service's log tail.
 */
const RECOVERY_BOUND_MS = 40_000;
const PROBE_INTERVAL_MS = 1000;

const recoveries: Array<{ what: string; ms: number; detail: string }> = [];

describeWithNatsServer('losing NATS nodes under the running services', () => {
  const env: Record<string, string> = {
    ...suiteEnv(),
    ARCP_BUS_PREFIX: uniquePrefix('failover'),
    // Longer than any outage here: a heartbeat delayed by an election must not kill an agent.
    AGENT_HEARTBEAT_TIMEOUT: '30',
    AGENT_KEYS: Array.from({ length: 120 }, (_, i) => `failover-key-${i}-${randomBytes(4).toString('hex')}`).join(','),
  };
  const keys = env.AGENT_KEYS!.split(',');
  const stream = `KV_${subjects(env.ARCP_BUS_PREFIX!).agentsBucket}`;
  let cluster: LocalCluster;
  let nats: RunningNatsCluster;
  let prober: Prober;
  let admin: string;
  let heartbeats: NodeJS.Timeout | undefined;
  const heartbeatStatus: number[] = [];
  const agents: RegisteredAgent[] = [];
  const sockets: TestClient[] = [];

  /** Loses `victim` (SIGKILL, or SIGTERM for a restart), measures, then brings it back. */
  async function lose(what: string, victim: NatsClusterNode, signal: NodeJS.Signals): Promise<number> {
    const lostAt = Date.now();
    await victim.kill(signal);
    const probe = await waitFor(() => prober.probes.find((p) => p.sentAt >= lostAt), { timeoutMs: 5000, what: 'a probe after the loss' });
    await waitFor(() => probe.seenAt.size === sockets.length, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: `${probe.agentId} on every channel after ${what}`,
    });
    const ms = seenEverywhereAt(probe) - lostAt;
    const at = (t: number | undefined) => (t === undefined ? '-' : ((t - lostAt) / 1000).toFixed(1));
    const detail = `registered ${at(probe.ackAt)}, ${[...probe.seenAt].map(([channel, t]) => `${channel} ${at(t)}`).join(', ')}`;
    recoveries.push({ what, ms, detail });
    // Over the bound: what each service logged (warnings and up) says which part was late.
    if (ms >= RECOVERY_BOUND_MS)
      throw new Error(
        `${what}: ${(ms / 1000).toFixed(1)} s (${detail}), over the ${RECOVERY_BOUND_MS / 1000} s bound\n${cluster.output()}`,
      );
    await victim.start();
    await nats.waitHealthy(60_000);
    return ms;
  }

  beforeAll(async () => {
    cluster = await startLocalCluster({ nats: 3, replicas: 1, edge: false, env });
    nats = cluster.nats!;
    for (let i = 0; i < 3; i++) agents.push(await registerAgent(cluster.http, `steady-${i}-${Date.now().toString(36)}`, keys[i]!));
    heartbeats = setInterval(() => {
      for (const a of agents) {
        void call(cluster.http, 'POST', `/agents/${a.agentId}/heartbeat`, { token: a.accessToken, timeoutMs: 15_000 }).then(
          (r) => heartbeatStatus.push(r.status),
          () => heartbeatStatus.push(0),
        );
      }
    }, 1000);
    admin = await loginAdmin(cluster.http, env.ADMIN_USERNAME!, env.ADMIN_PASSWORD!);

    const pub = await TestClient.open(cluster.replicaUrls.public[0]!);
    await pub.nextType('welcome');
    const ag = await TestClient.open(cluster.replicaUrls.agents[0]!);
    await ag.nextType('auth_required');
    ag.send({ token: agents[0]!.accessToken });
    await ag.nextType('auth_success');
    const dash = await TestClient.open(cluster.replicaUrls.dashboard[0]!);
    dash.send({ type: 'auth', token: admin });
    await dash.nextType('logs', { timeoutMs: 8000 });
    sockets.push(pub, ag, dash);
    prober = startProber(cluster.http, keys.slice(agents.length), PROBE_INTERVAL_MS);
    // Only the frames that carry the directory count (a dashboard log line may name an agent).
    const typed = (type: string) => (json: unknown) => (json as { type?: unknown } | null)?.type === type;
    prober.watch('public', pub, typed('agents_update'));
    prober.watch('agents', ag, Array.isArray);
    prober.watch('dashboard', dash, typed('agents'));
    await waitFor(() => prober.probes[0] && prober.probes[0].seenAt.size === sockets.length, {
      timeoutMs: 15_000,
      what: 'the first probe on every channel',
    });
  }, 120_000);

  afterAll(async () => {
    clearInterval(heartbeats);
    await prober?.stop();
    for (const s of sockets) s.close();
    // The measured figures, for the record (docs/scaling.md quotes them).
    for (const r of recoveries)
      process.stdout.write(`[failover] ${r.what}: every channel after ${(r.ms / 1000).toFixed(1)} s (${r.detail})\n`);
    await cluster?.stop();
  }, 60_000);

  it('replicates the agents bucket on all three nodes', async () => {
    const leader = await streamLeader(nats, stream);
    expect(leader).toBeDefined();
    const res = await fetch(`${leader!.monitorUrl}/jsz?streams=true&config=true`);
    const jsz = (await res.json()) as {
      account_details?: Array<{ stream_detail?: Array<{ name: string; config?: { num_replicas?: number } }> }>;
    };
    const detail = jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream);
    expect(detail?.config?.num_replicas).toBe(3);
  });

  let firstVictim: NatsClusterNode;

  it('serves again within the bound when the node leading the agents bucket dies', async () => {
    firstVictim = (await streamLeader(nats, stream))!;
    expect(await lose(`killing ${firstVictim.name} (leader)`, firstVictim, 'SIGKILL')).toBeLessThan(RECOVERY_BOUND_MS);
  }, 120_000);

  it('and again when another node dies once the first is back', async () => {
    const leader = await streamLeader(nats, stream);
    const victim = leader && leader !== firstVictim ? leader : nats.nodes.find((n) => n !== firstVictim)!;
    expect(victim).not.toBe(firstVictim);
    const role = victim === leader ? 'leader' : 'follower';
    expect(await lose(`killing ${victim.name} (${role})`, victim, 'SIGKILL')).toBeLessThan(RECOVERY_BOUND_MS);
  }, 120_000);

  it('and through a rolling restart of all three nodes', async () => {
    for (const node of nats.nodes) {
      expect(await lose(`restarting ${node.name}`, node, 'SIGTERM')).toBeLessThan(RECOVERY_BOUND_MS);
    }
  }, 180_000);

  it('lost nothing: every agent is still registered and alive, every registration reached every channel', async () => {
    await prober.stop();
    const acked = prober.probes.filter((p) => p.ackAt !== undefined);
    expect(acked.length).toBeGreaterThan(recoveries.length);
    await waitFor(() => acked.every((p) => p.seenAt.size === sockets.length), {
      timeoutMs: 20_000,
      what: 'every acknowledged probe on every channel',
    });
    const listed = await call(cluster.http, 'GET', '/agents', { token: admin });
    expect(listed.status).toBe(200);
    const byId = new Map((listed.body as unknown as Array<{ agent_id: string; status: string }>).map((a) => [a.agent_id, a.status]));
    for (const a of agents) expect(byId.get(a.agentId)).toBe('alive');
    for (const p of acked) expect(byId.has(p.agentId)).toBe(true);
    // Heartbeats went on: most answered 200; those caught in an election waited or got a 503.
    expect(heartbeatStatus.filter((s) => s === 200).length).toBeGreaterThan(heartbeatStatus.length / 2);
  }, 60_000);

  it('needed no service restart: the same processes, ready, every socket still open', async () => {
    const services = [cluster.registry, cluster.metrics, ...Object.values(cluster.gateways).flat()];
    for (const s of services) expect(s.proc.isExited()).toBe(false);
    await waitFor(
      async () => {
        const answers = await Promise.all(
          services.map((s) =>
            fetch(`${s.ops}/readyz`).then(
              (r) => r.status,
              () => 0,
            ),
          ),
        );
        return answers.every((status) => status === 200);
      },
      { timeoutMs: 15_000, what: 'every service ready' },
    );
    for (const s of sockets) expect(s.closed).toBeUndefined();
  });
});
