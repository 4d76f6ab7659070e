/**
 * A server restart in the middle of a stream, against real processes: the standalone product
 * (`pnpm start`) and a cluster over a real nats-server. The server drains (sockets close with
 * 4200) or dies (1006) and comes back on the same port; each channel reconnects with backoff,
 * runs its handshake again with a token read afresh from the provider, and the same iterator
 * keeps yielding frames.
 */
import { startCluster, startStandaloneProduct, type Topology } from '@arcp/e2e';
import { describeWithNats, natsUrl } from '@arcp/testkit';
import { AgentSession, AgentsChannel, ArcpHttp, DashboardChannel, PublicChannel, type StateChange } from './index';
import { registration, until, WebSocket } from './test-support/server';

const fast = { initialDelayMs: 100, maxDelayMs: 500 };

interface Watched<C> {
  channel: C;
  states: StateChange[];
}

function watch<C extends { on(e: 'state', l: (s: StateChange) => void): unknown }>(channel: C): Watched<C> {
  const states: StateChange[] = [];
  channel.on('state', (s) => states.push(s));
  return { channel, states };
}

const describeStates = (w: Watched<unknown>) =>
  w.states.map((s) => `${s.state}${s.code ? `:${s.code}` : ''}${s.reason ? `(${s.reason})` : ''}`).join(' ');

async function resumeScenario(topo: Topology, restart: () => Promise<void>, expectCode: number): Promise<void> {
  const http = new ArcpHttp(topo.http);
  const session = await AgentSession.start({
    http,
    agentKey: topo.agentKeys[0]!,
    registration: registration(`sdk-resume-${Date.now().toString(36)}`),
    heartbeatIntervalMs: 200,
    retry: fast,
  });
  let logins = 0;
  const adminToken = async () => {
    logins += 1;
    return (await http.login(topo.env.ADMIN_USERNAME!, topo.env.ADMIN_PASSWORD!)).access_token;
  };
  const dash = watch(new DashboardChannel({ url: topo.ws.dashboard[0]!, WebSocket, token: adminToken, reconnect: fast }));
  const agents = watch(new AgentsChannel({ url: topo.ws.agents[0]!, WebSocket, token: session.tokenSource, reconnect: fast }));
  const pub = watch(new PublicChannel({ url: topo.ws.public[0]!, WebSocket, reconnect: fast }));
  // A public client on the agent_updates extension: deltas only, asked again on every new socket.
  const deltaPub = watch(new PublicChannel({ url: topo.ws.public[0]!, WebSocket, reconnect: fast }));
  const deltasAt: number[] = [];
  deltaPub.channel.onFrame('agents_delta', () => deltasAt.push(Date.now()));
  let held: string[] = [];
  deltaPub.channel.onAgents((list) => (held = list.map((a) => a.agent_id)));
  const all = [dash, agents, pub, deltaPub];
  const seen: Array<{ type: string; at: number }> = [];
  const consumer = (async () => {
    for await (const frame of dash.channel.frames()) seen.push({ type: frame.type, at: Date.now() });
  })();
  const lists: Array<{ ids: string[]; at: number }> = [];
  agents.channel.onFrame('agent_list', (f) => lists.push({ ids: f.agents.map((a) => a.agent_id), at: Date.now() }));
  try {
    await Promise.all(all.map((w) => w.channel.connect()));
    await dash.channel.pause();
    expect(logins).toBe(1);
    expect((await deltaPub.channel.agentUpdates('delta')).data.agents.map((a) => a.agent_id)).toContain(session.agentId);
    expect(held).toContain(session.agentId);

    const restartedAt = Date.now();
    await restart();
    await until(
      () => all.every((w) => w.channel.state === 'open' && w.states.some((s) => s.state === 'reconnecting')),
      'every channel open again',
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${all.map(describeStates).join(' | ')}`);
    });
    for (const w of all) {
      expect(w.states.find((s) => s.state === 'reconnecting')).toMatchObject({ code: expectCode, attempt: 1 });
      expect(w.states.at(-1)).toMatchObject({ state: 'open', resumed: true });
    }
    // A second login for the second handshake, and the dashboard asked to stay paused.
    expect(logins).toBeGreaterThanOrEqual(2);
    expect(dash.channel.isPaused).toBe(true);
    await until(() => seen.some((f) => f.at > restartedAt && f.type === 'pause_ack'), 'pause re-sent after the resume');
    await until(() => seen.some((f) => f.at > restartedAt && f.type === 'agents'), 'frames after the restart, same iterator');
    await until(
      () => lists.some((l) => l.at > restartedAt && l.ids.includes(session.agentId)),
      'the agent in a list after the restart',
      15_000,
    );
    // The public stream goes on: a new registration shows up in an agents_update.
    // Listen before registering: the broadcast can arrive before the registration call returns.
    const lateId = `sdk-late-${Date.now().toString(36)}`;
    const update = pub.channel.waitFor((f) => f.type === 'agents_update' && f.data.agents.some((a) => a.agent_id === lateId), 15_000);
    const late = await AgentSession.start({ http, agentKey: topo.agentKeys[1]!, registration: registration(lateId), retry: fast });
    await update;
    // The delta client asked for deltas again after the restart: the late agent came as one.
    expect(deltaPub.channel.updates).toBe('delta');
    await until(() => deltasAt.some((at) => at > restartedAt) && held.includes(lateId), 'the late agent through agents_delta');
    expect(held).toContain(session.agentId);
    await late.stop();
    await until(() => !held.includes(lateId), 'the late agent removed through agents_delta');
  } finally {
    await session.stop().catch(() => {});
    await Promise.all(all.map((w) => w.channel.close()));
  }
  await consumer;
}

describe('resume across a standalone restart (real process)', () => {
  let topo: Topology;
  beforeAll(async () => {
    topo = await startStandaloneProduct();
  }, 60_000);
  afterAll(async () => {
    await topo?.stop();
  });

  it('reconnects every channel after the drain (4200), re-authenticates, and the streams go on', async () => {
    await resumeScenario(topo, () => topo.restartGateway('public', 0), 4200);
  }, 90_000);
});

describeWithNats('resume across gateway restarts in a cluster (real processes, real NATS)', () => {
  let topo: Topology;
  beforeAll(async () => {
    topo = await startCluster(natsUrl(), 1);
  }, 90_000);
  afterAll(async () => {
    await topo?.stop();
  });

  it('reconnects each channel to its restarted gateway and the streams go on', async () => {
    await resumeScenario(
      topo,
      () => Promise.all((['public', 'agents', 'dashboard'] as const).map((c) => topo.restartGateway(c, 0))).then(() => undefined),
      4200,
    );
  }, 120_000);

  it('keeps retrying through a crashed gateway (1006) until it is back', async () => {
    const pub = watch(new PublicChannel({ url: topo.ws.public[0]!, WebSocket, reconnect: fast }));
    try {
      await pub.channel.connect();
      await topo.killGateway('public', 0, 'SIGKILL');
      await until(
        () => pub.states.filter((s) => s.state === 'reconnecting').length >= 3,
        'several failed attempts while the gateway is down',
      );
      await topo.restartGateway('public', 0);
      await until(() => pub.channel.state === 'open', 'open again after the gateway came back', 15_000);
      const tries = pub.states.filter((s) => s.state === 'reconnecting');
      expect(tries[0]).toMatchObject({ code: 1006, attempt: 1 });
      expect(tries.map((s) => s.attempt)).toEqual(tries.map((_s, i) => i + 1));
      await pub.channel.waitFor((f) => f.type === 'stats_update', 5000);
    } finally {
      await pub.channel.close();
    }
  }, 60_000);
});
