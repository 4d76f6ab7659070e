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

describe('registry while NATS is down', () => {
  it('refuses what needs the bus at once with 503 + Retry-After, serves reads from its local copy marked stale, and recovers', async () => {
    const { startNatsServer, freePort } = await import('@arcp/cluster');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const storeDir = mkdtempSync(join(tmpdir(), 'arcp-registry-down-'));
    const port = await freePort();
    let server = await startNatsServer({ port, storeDir });
    const bus = await connectNatsBus({ servers: server.url, name: 'registry-down', reconnectTimeWaitMs: 100 });
    const h = await startHarness({ ARCP_BUS_PREFIX: uniquePrefix('down'), INSTANCE_ID: 'down-1' }, { bus, clock: fakeClock(Date.now()) });
    try {
      const token = await registerAgent(h, 'offline-1');
      await server.stop();
      await waitFor(() => bus.status() === 'reconnecting', { what: 'bus reconnecting' });

      for (const [method, path, body] of [
        ['POST', '/auth/login', { username: 'admin', password: 'x' }],
        [
          'POST',
          '/auth/agent/request_temp_token',
          { agent_id: 'offline-2', agent_type: 'testing', agent_key: 'test-registration-key-123' },
        ],
        ['POST', '/agents/offline-1/heartbeat', undefined],
        ['DELETE', '/agents/offline-1', undefined],
      ] as const) {
        const started = Date.now();
        const res = await h.call(method, path, { token, ...(body ? { body } : {}) });
        expect({ path, status: res.status, retryAfter: res.headers?.['retry-after'], type: res.headers?.['content-type'] }).toEqual({
          path,
          status: 503,
          retryAfter: '2',
          type: 'application/problem+json',
        });
        expect(Date.now() - started).toBeLessThan(1000);
      }

      const listed = await h.call('GET', '/agents', { token });
      expect(listed.status).toBe(200);
      expect((listed.body as Array<{ agent_id: string }>).map((a) => a.agent_id)).toEqual(['offline-1']);
      expect(listed.headers?.['warning']).toMatch(/^110 /);
      expect((await h.call('GET', '/agents/offline-1', { token })).status).toBe(200);
      const health = await h.call('GET', '/health');
      expect(health.json).toMatchObject({ status: 'degraded', agents: { total_registered: 1, alive_agents: 1 } });

      server = await startNatsServer({ port, storeDir });
      await waitFor(() => bus.status() === 'connected', { timeoutMs: 10_000, what: 'bus reconnected' });
      expect((await h.call('POST', '/agents/offline-1/heartbeat', { token })).status).toBe(200);
      const fresh = await h.call('GET', '/agents', { token });
      expect(fresh.headers?.['warning']).toBeUndefined();
    } finally {
      await h.registry.stop();
      await bus.close();
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    }
  }, 40_000);
});
