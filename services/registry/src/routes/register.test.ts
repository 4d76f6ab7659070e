import { directoryKey, subjects } from '@arcp/protocol';
import { createMemoryBus, type KvStore } from '@arcp/service-kit';
import {
  AGENT_KEY,
  adminToken,
  fakeClock,
  hookKv,
  OTHER_KEY,
  registerAgent,
  tempToken,
  registration,
  settle,
  startHarness,
  type Harness,
  type KvOp,
} from '../test-support/harness';

const AGENTS_BUCKET = subjects('test').agentsBucket;

let h: Harness;
/** Runs once before the next `op` on `key` of the agents bucket. */
let before: { op: KvOp; key: string; act: (kv: KvStore) => Promise<void> } | null;

beforeEach(async () => {
  before = null;
  h = await startHarness(
    {},
    {
      bus: hookKv(createMemoryBus(), AGENTS_BUCKET, async (op, key, kv) => {
        const b = before;
        if (b === null || b.op !== op || b.key !== key) return;
        before = null;
        await b.act(kv);
      }),
      clock: fakeClock(),
    },
  );
});
afterEach(async () => {
  await h.registry.stop();
});

async function registrations(result: string): Promise<number> {
  const text = await h.metrics.getSingleMetricAsString('arcp_registry_registrations_total');
  return Number(new RegExp(`result="${result}"} (\\d+)`).exec(text)?.[1] ?? 0);
}

describe('POST /agents/register', () => {
  it('announces a registration with who registered from where', async () => {
    await registerAgent(h, 'reg-1');
    await settle();
    const logs = h.published
      .filter((p) => p.subject.endsWith('events.log') && p.body['source'] === 'agents' && p.body['agent_id'] === 'reg-1')
      .map((p) => p.body);
    expect(logs).toEqual([
      {
        level: 'INFO',
        source: 'agents',
        message: 'Agent registered: reg-1 (security)',
        event_type: 'agent_registered',
        agent_id: 'reg-1',
        agent_type: 'security',
        client_ip: '10.0.0.1',
        timestamp: expect.any(String),
      },
    ]);
    expect(await registrations('ok')).toBe(1);
  });

  it('lets an admin register any agent without binding a registration key', async () => {
    const admin = await adminToken(h);
    const res = await h.call('POST', '/agents/register', { token: admin, body: registration('by-admin-1') });
    expect(res.status).toBe(200);
    expect(typeof res.json['access_token']).toBe('string');
    // Both keys are still free.
    await registerAgent(h, 'keyed-1', AGENT_KEY);
    await registerAgent(h, 'keyed-2', OTHER_KEY);
  });

  it('lets an agent register itself again with its own token once it is dead, and nobody else', async () => {
    const token = await registerAgent(h, 'self-1');
    h.clock.advance(61_000);
    expect((await h.call('POST', '/agents/register', { token, body: registration('self-1') })).status).toBe(200);
    const other = await h.call('POST', '/agents/register', { token, body: registration('self-2') });
    expect(other.status).toBe(403);
    expect(await registrations('forbidden')).toBe(1);
  });

  it('counts duplicates and keys in use apart', async () => {
    await registerAgent(h, 'count-1', AGENT_KEY);
    const dup = await h.call('POST', '/agents/register', {
      token: await tempToken(h, 'count-1', OTHER_KEY),
      body: registration('count-1'),
    });
    expect(dup.status).toBe(409);
    const inUse = await h.call('POST', '/agents/register', {
      token: await tempToken(h, 'count-2', AGENT_KEY),
      body: registration('count-2'),
    });
    expect(inUse.status).toBe(400);
    expect([await registrations('duplicate'), await registrations('key_in_use'), await registrations('ok')]).toEqual([1, 1, 1]);
  });

  it('frees a key whose agent vanished without releasing it', async () => {
    await registerAgent(h, 'lost-1', AGENT_KEY);
    // A removal interrupted before it released the key: the records are gone, the binding is not.
    const kv = await h.bus.kv(AGENTS_BUCKET);
    for (const kind of ['registration', 'liveness', 'metrics'] as const) await kv.delete(directoryKey(kind, 'lost-1'));
    await expect(registerAgent(h, 'lost-2', AGENT_KEY)).resolves.toEqual(expect.any(String));
  });

  it('answers 409 to the loser of two registrations of one agent at once', async () => {
    const temp = await tempToken(h, 'race-1', AGENT_KEY);
    before = {
      op: 'create',
      key: directoryKey('registration', 'race-1'),
      act: () => registerAgent(h, 'race-1', OTHER_KEY).then(() => undefined),
    };
    const res = await h.call('POST', '/agents/register', { token: temp, body: registration('race-1') });
    expect(before).toBeNull();
    expect(res.status).toBe(409);
    expect(res.json['detail']).toBe('Agent race-1 is already registered and alive.');
    expect(await registrations('duplicate')).toBe(1);
    await settle();
    const kinds = h.published
      .filter((p) => p.subject.endsWith('dir.changed') && p.body['agent_id'] === 'race-1')
      .map((p) => p.body['kind']);
    expect(kinds).toEqual(['registered']);
  });

  it('answers 500, not 409, when storing fails for another reason than a race', async () => {
    const temp = await tempToken(h, 'broken-1');
    before = { op: 'create', key: directoryKey('registration', 'broken-1'), act: () => Promise.reject(new Error('disk failure')) };
    expect((await h.call('POST', '/agents/register', { token: temp, body: registration('broken-1') })).status).toBe(500);
  });
});
