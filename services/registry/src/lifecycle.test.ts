import { BEAT_PERSIST_AFTER_MS, beatsBucket, decodeLiveness } from '@arcp/directory';
import { directoryKey, isoUtc, subjects } from '@arcp/protocol';
import { createMemoryBus, type Bus, type KvStore } from '@arcp/service-kit';
import { adminToken, fakeClock, hookKv, registerAgent, settle, startHarness, type Harness, type KvOp } from './test-support/harness';

const AGENTS_BUCKET = subjects('test').agentsBucket;

/** What a hooked harness does before the next matching operation(s) on the agents bucket. */
interface Interference {
  op: KvOp;
  key: string;
  /** How many matching operations to interfere with (Infinity: all). */
  times: number;
  act: (kv: KvStore, key: string) => Promise<void>;
}

let h: Harness;
let bus: Bus;
let interference: Interference | null;
/** Matching operations seen while an interference was set, interfered with or not. */
let attempts: number;

beforeEach(async () => {
  interference = null;
  attempts = 0;
  bus = createMemoryBus();
  const hook = async (op: KvOp, key: string, kv: KvStore) => {
    const i = interference;
    if (i === null || i.op !== op || !(i.key === key || (i.key.endsWith('*') && key.startsWith(i.key.slice(0, -1))))) return;
    attempts++;
    if (i.times <= 0) return;
    i.times--;
    await i.act(kv, key);
  };
  h = await startHarness({}, { bus: hookKv(hookKv(bus, AGENTS_BUCKET, hook), beatsBucket(AGENTS_BUCKET), hook), clock: fakeClock() });
});
afterEach(async () => {
  await h.registry.stop();
});

/** Rewrites a record with its own value: a concurrent writer moved its revision. */
async function rewrite(kv: KvStore, key: string): Promise<void> {
  const entry = await kv.get(key);
  if (entry !== null) await kv.put(key, entry.value);
}

async function fail(): Promise<void> {
  throw new Error('disk failure');
}

function published(subject: string, agentId: string): Array<Record<string, unknown>> {
  return h.published.filter((p) => p.subject.endsWith(subject) && p.body['agent_id'] === agentId).map((p) => p.body);
}

async function livenessRecord(agentId: string) {
  const entry = await (await bus.kv(AGENTS_BUCKET)).get(directoryKey('liveness', agentId));
  return { revision: entry!.revision, liveness: decodeLiveness(entry!.value)! };
}

describe('heartbeats', () => {
  it('go to the heartbeat log, and to the liveness record only once the record is older than the log must remember', async () => {
    const token = await registerAgent(h, 'hb-1');
    const registered = await livenessRecord('hb-1');
    h.clock.advance(1_000);
    const beat = await h.call('POST', '/agents/hb-1/heartbeat', { token });
    expect(beat.status).toBe(200);
    expect(beat.json['last_seen']).toBe(isoUtc(h.clock.now()));
    expect(await livenessRecord('hb-1')).toEqual(registered);
    // Read back from the log, by the route that reads the bucket itself.
    expect((await h.call('GET', '/agents/hb-1', { token })).json['last_seen']).toBe(isoUtc(h.clock.now()));

    h.clock.advance(BEAT_PERSIST_AFTER_MS - 1_000 - 1);
    expect((await h.call('POST', '/agents/hb-1/heartbeat', { token })).status).toBe(200);
    expect(await livenessRecord('hb-1')).toEqual(registered);
    h.clock.advance(1);
    expect((await h.call('POST', '/agents/hb-1/heartbeat', { token })).status).toBe(200);
    const rewritten = await livenessRecord('hb-1');
    expect(rewritten.revision).toBeGreaterThan(registered.revision);
    expect(rewritten.liveness).toMatchObject({ status: 'alive', last_seen: isoUtc(h.clock.now()) });
  });

  it('succeed when a concurrent writer wins the rewrite of the record: the log holds the heartbeat', async () => {
    const token = await registerAgent(h, 'hb-2');
    h.clock.advance(BEAT_PERSIST_AFTER_MS);
    interference = { op: 'update', key: directoryKey('liveness', 'hb-2'), times: Infinity, act: rewrite };
    expect((await h.call('POST', '/agents/hb-2/heartbeat', { token })).status).toBe(200);
    expect(attempts).toBe(1);
    expect((await h.call('GET', '/agents/hb-2', { token })).json['last_seen']).toBe(isoUtc(h.clock.now()));
  });

  it('fail when the heartbeat log cannot be written, without an answer that says otherwise', async () => {
    const token = await registerAgent(h, 'hb-3');
    interference = { op: 'put', key: 'b.*', times: Infinity, act: fail };
    expect((await h.call('POST', '/agents/hb-3/heartbeat', { token })).status).toBe(500);
    expect(attempts).toBe(1);
  });
});

describe('metrics writes', () => {
  it('retry a compare-and-set lost to a concurrent writer', async () => {
    const token = await registerAgent(h, 'cas-1');
    interference = { op: 'update', key: directoryKey('metrics', 'cas-1'), times: 2, act: rewrite };
    attempts = 0;
    const res = await h.call('POST', '/agents/cas-1/metrics', { token, body: { total_requests: 7 } });
    expect(res.status).toBe(200);
    expect(attempts).toBe(3);
    expect((await h.call('GET', '/agents/cas-1/metrics', { token })).json).toMatchObject({ total_requests: 7 });
  });

  it('give up after eight lost compare-and-sets with a 503 that names the agent', async () => {
    const token = await registerAgent(h, 'cas-2');
    interference = { op: 'update', key: directoryKey('metrics', 'cas-2'), times: Infinity, act: rewrite };
    const res = await h.call('POST', '/agents/cas-2/metrics', { token, body: { total_requests: 7 } });
    expect(res.status).toBe(503);
    expect(res.json['detail']).toBe('Agent directory storage is unavailable, try again shortly');
    expect(attempts).toBe(8);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ msg: 'storage unavailable', err: expect.objectContaining({ bucket: 'agents', key: 'cas-2' }) }),
    );
  });

  it('do not retry a write that failed for another reason than a race', async () => {
    const token = await registerAgent(h, 'cas-3');
    interference = { op: 'update', key: directoryKey('metrics', 'cas-3'), times: Infinity, act: fail };
    expect((await h.call('POST', '/agents/cas-3/metrics', { token, body: { total_requests: 7 } })).status).toBe(500);
    expect(attempts).toBe(1);
  });

  it('answer 404 for an agent that is not registered', async () => {
    const admin = await adminToken(h);
    const beat = await h.call('POST', '/agents/nobody-1/heartbeat', { token: admin });
    expect(beat.status).toBe(404);
    expect(beat.json['detail']).toBe('Agent nobody-1 not found');
    const metrics = await h.call('POST', '/agents/nobody-1/metrics', { token: admin, body: { total_requests: 1 } });
    expect(metrics.status).toBe(404);
    expect(metrics.json['detail']).toBe('Agent nobody-1 not found');
  });
});

describe('unregistration', () => {
  it('announces a removal on request once, with its reason', async () => {
    const token = await registerAgent(h, 'bye-1');
    expect((await h.call('DELETE', '/agents/bye-1', { token })).status).toBe(200);
    await settle();
    expect(published('events.log', 'bye-1').filter((l) => l['reason'] !== undefined)).toEqual([
      {
        level: 'INFO',
        source: 'agents',
        message: 'Agent bye-1 unregistered',
        agent_id: 'bye-1',
        agent_type: 'security',
        reason: 'request',
        timestamp: expect.any(String),
      },
    ]);
  });

  it('starts again when the registration moved between its read and its delete, and announces once', async () => {
    const token = await registerAgent(h, 'bye-2');
    interference = { op: 'delete', key: directoryKey('registration', 'bye-2'), times: 1, act: rewrite };
    expect((await h.call('DELETE', '/agents/bye-2', { token })).status).toBe(200);
    expect(attempts).toBe(2);
    expect(await (await h.bus.kv(AGENTS_BUCKET)).get(directoryKey('registration', 'bye-2'))).toBeNull();
    await settle();
    expect(published('dir.changed', 'bye-2').map((e) => e['kind'])).toEqual(['registered', 'unregistered']);
    expect(h.published.filter((p) => p.subject.endsWith('revoke.credential'))).toHaveLength(1);
  });

  it('fails when the delete fails for another reason than a race, and leaves the agent registered', async () => {
    const token = await registerAgent(h, 'bye-3');
    interference = { op: 'delete', key: directoryKey('registration', 'bye-3'), times: Infinity, act: fail };
    expect((await h.call('DELETE', '/agents/bye-3', { token })).status).toBe(500);
    expect(attempts).toBe(1);
    interference = null;
    expect((await h.call('GET', '/agents/bye-3', { token })).status).toBe(200);
  });
});
