import type { KvStore } from './bus/bus';
import { createMemoryBus } from './bus/memory-bus';
import { LeaderLease } from './lease';

const quietLogger = () => ({ debug: () => {}, info: () => {}, warn: () => {}, error: () => {} });

const TTL = 6000;

async function setup() {
  const bus = createMemoryBus();
  const kv = await bus.kv('leases');
  let clock = 0;
  const changes: string[] = [];
  const lease = (instance: string, cursor = 0) =>
    new LeaderLease({
      kv,
      key: 'metrics-producer',
      instance,
      ttlMs: TTL,
      now: () => clock,
      logger: quietLogger(),
      role: 'dashboard producer',
      state: () => ({ logs_cursor: cursor }),
      onChange: (leader, previous) => changes.push(`${instance}:${leader}:${JSON.stringify(previous ?? null)}`),
    });
  return { kv, lease, changes, advance: (ms: number) => (clock += ms) };
}

const holder = async (kv: KvStore) => {
  const e = await kv.get('metrics-producer');
  return e ? (JSON.parse(new TextDecoder().decode(e.value)) as { holder: string | null }).holder : undefined;
};

describe('producer lease', () => {
  it('exactly one of two replicas leads, and keeps leading while it renews', async () => {
    const { kv, lease, advance } = await setup();
    const a = lease('a');
    const b = lease('b');
    await a.tick();
    await b.tick();
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    for (let i = 0; i < 10; i++) {
      advance(TTL / 3);
      await a.tick();
      await b.tick();
    }
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    expect(await holder(kv)).toBe('a');
  });

  it('a standby takes over once the leader has not renewed for a TTL, with its handover state', async () => {
    const { kv, lease, changes, advance } = await setup();
    const a = lease('a', 41);
    const b = lease('b');
    await a.tick();
    await b.tick(); // b observes a's revision
    advance(TTL - 1);
    await b.tick();
    expect(b.isLeader()).toBe(false);
    advance(1);
    await b.tick();
    expect(b.isLeader()).toBe(true);
    expect(await holder(kv)).toBe('b');
    expect(changes).toContain('b:true:{"logs_cursor":41}');
    // The old leader notices on its next round and steps down.
    await a.tick();
    expect(a.isLeader()).toBe(false);
  });

  it('stop releases the lease so a standby takes over on its next round', async () => {
    const { kv, lease } = await setup();
    const a = lease('a', 7);
    const b = lease('b');
    await a.tick();
    await b.tick();
    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(await holder(kv)).toBeNull();
    await b.tick();
    expect(b.isLeader()).toBe(true);
  });

  it('two standbys racing for an expired lease: only one wins', async () => {
    const { lease, advance } = await setup();
    const a = lease('a');
    const b = lease('b');
    const c = lease('c');
    await a.tick();
    await Promise.all([b.tick(), c.tick()]);
    advance(TTL);
    await Promise.all([b.tick(), c.tick()]);
    expect([b.isLeader(), c.isLeader()].filter(Boolean)).toHaveLength(1);
  });

  it('a leader that cannot reach the KV steps down after a TTL', async () => {
    const { kv, lease, advance } = await setup();
    const a = lease('a');
    await a.tick();
    const get = jest.spyOn(kv, 'get').mockRejectedValue(new Error('bus down'));
    advance(TTL / 3);
    await a.tick();
    expect(a.isLeader()).toBe(true);
    advance(TTL);
    await a.tick();
    expect(a.isLeader()).toBe(false);
    get.mockRestore();
  });
});
