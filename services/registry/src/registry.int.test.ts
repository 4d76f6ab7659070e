/**
 * Against a real nats-server (JetStream KV): the directory survives a registry restart, and two
 * replicas share one NATS with exactly one 'dead' event per timed-out agent.
 */
import { subjects } from '@arcp/protocol';
import { connectNatsBus, type Bus } from '@arcp/service-kit';
import { describeWithNats, natsUrl, uniquePrefix, waitFor } from '@arcp/testkit';
import { fakeClock, registerAgent, registration, startHarness, type Harness } from './test-support/harness';

const prefix = uniquePrefix('registry');

async function connect(name: string): Promise<Bus> {
  return connectNatsBus({ servers: natsUrl(), name });
}

describeWithNats('registry on NATS', () => {
  const buses: Bus[] = [];
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) await h.registry.stop();
    for (const b of buses) await b.close();
  });

  async function replica(env: Record<string, string>, clock = fakeClock()): Promise<Harness> {
    const bus = await connect(`registry-int-${env['INSTANCE_ID']}`);
    buses.push(bus);
    const h = await startHarness({ ARCP_BUS_PREFIX: prefix, ...env }, { bus, clock });
    harnesses.push(h);
    return h;
  }

  it('keeps the directory, key bindings and revocations across a restart', async () => {
    const clock = fakeClock(Date.now());
    const first = await replica({ INSTANCE_ID: 'a1' }, clock);
    const token = await registerAgent(first, 'durable-1');
    const gone = await registerAgent(first, 'durable-2', 'test-agent-key-456');
    expect((await first.call('DELETE', '/agents/durable-2', { token: gone })).status).toBe(200);
    await first.registry.stop();

    const second = await replica({ INSTANCE_ID: 'a2' }, clock);
    const res = await second.call('GET', '/agents/durable-1', { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ agent_id: 'durable-1', status: 'alive' });
    const listed = (await second.call('GET', '/agents', { token })).body as Array<{ agent_id: string }>;
    expect(listed.map((a) => a.agent_id)).toEqual(['durable-1']);
    expect((await second.call('POST', '/agents/durable-2/heartbeat', { token: gone })).status).toBe(401);
    const temp = await second.call('POST', '/auth/agent/request_temp_token', {
      body: { agent_id: 'durable-3', agent_type: 'security', agent_key: 'test-registration-key-123' },
    });
    const taken = await second.call('POST', '/agents/register', {
      token: temp.json['temp_token'] as string,
      body: registration('durable-3'),
    });
    expect(taken.status).toBe(400);
  });

  it('two replicas announce exactly one dead event per timed-out agent', async () => {
    const p2 = `${prefix}_pair`;
    const env = { ARCP_BUS_PREFIX: p2, AGENT_HEARTBEAT_TIMEOUT: '1', AGENT_CLEANUP_INTERVAL: '0.2' };
    const clock = { now: () => Date.now(), advance: () => {} };
    const r1 = await replica({ ...env, INSTANCE_ID: 'p1' }, clock);
    const r2 = await replica({ ...env, INSTANCE_ID: 'p2' }, clock);
    const watcher = await connect('registry-int-watch');
    buses.push(watcher);
    const dead: string[] = [];
    watcher.subscribe(subjects(p2).directoryChanged, (m) => {
      const ev = JSON.parse(Buffer.from(m.data).toString()) as { kind: string; agent_id: string };
      if (ev.kind === 'dead') dead.push(ev.agent_id);
    });
    await watcher.flush();
    await registerAgent(r1, 'pair-1');
    await registerAgent(r2, 'pair-2', 'test-agent-key-456');
    await waitFor(() => dead.length >= 2, { timeoutMs: 10_000, what: 'two dead events' });
    await new Promise((r) => setTimeout(r, 800)); // several more sweeps on both replicas
    expect(dead.sort()).toEqual(['pair-1', 'pair-2']);
  });
});
