import { createMemoryBus, KvConflictError, type KvStore } from '@arcp/service-kit';
import { KeyBindings, type LiveCheck } from './key-bindings';

const enc = new TextEncoder();
const dec = new TextDecoder();

let kv: KvStore;
let keys: KeyBindings;
let live: Set<string>;
const isLive: LiveCheck = async (id) => live.has(id);

beforeEach(async () => {
  kv = await createMemoryBus().kv('registry');
  keys = new KeyBindings(kv);
  live = new Set();
});

async function value(key: string): Promise<string | null> {
  const entry = await kv.get(key);
  return entry === null ? null : dec.decode(entry.value);
}

/** Claims and links, as a successful registration does. */
async function bind(hash: string, agentId: string): Promise<string | null> {
  const holder = await keys.claim(hash, agentId, isLive);
  if (holder === null) {
    await keys.link(agentId, hash);
    live.add(agentId);
  }
  return holder;
}

describe('KeyBindings', () => {
  it('binds a key never used and refuses it to another agent while its holder is live', async () => {
    expect(await bind('h1', 'a1')).toBeNull();
    expect(await value('key.h1')).toBe('a1');
    expect(await value('agentkey.a1')).toBe('h1');
    expect(await keys.claim('h1', 'a2', isLive)).toBe('a1');
    expect(await value('key.h1')).toBe('a1');
  });

  it('hands the key over once its holder is no longer live', async () => {
    await bind('h1', 'a1');
    live.delete('a1');
    expect(await bind('h1', 'a2')).toBeNull();
    expect(await value('key.h1')).toBe('a2');
  });

  it('lets the holder claim its own key again without asking whether it is live', async () => {
    await bind('h1', 'a1');
    const asked: string[] = [];
    expect(await keys.claim('h1', 'a1', async (id) => (asked.push(id), true))).toBeNull();
    // Also through another replica, which has to read the entry first.
    expect(await new KeyBindings(kv).claim('h1', 'a1', async (id) => (asked.push(id), true))).toBeNull();
    expect(asked).toEqual([]);
  });

  it('counts a binding only while both sides agree', async () => {
    await bind('h1', 'a1');
    // a1 registered again later with another key: h1 no longer backs it.
    await bind('h2', 'a1');
    expect(await bind('h1', 'a2')).toBeNull();
    expect(await value('key.h1')).toBe('a2');
  });

  it('empties the key on release, and the next claim replaces that entry', async () => {
    await bind('h1', 'a1');
    await keys.release('a1');
    expect(await value('agentkey.a1')).toBeNull();
    expect(await value('key.h1')).toBe('');
    const released = (await kv.get('key.h1'))!.revision;
    expect(await bind('h1', 'a2')).toBeNull();
    const entry = (await kv.get('key.h1'))!;
    expect(dec.decode(entry.value)).toBe('a2');
    expect(entry.revision).toBeGreaterThan(released);
  });

  it('claims a key whose entry an older release deleted', async () => {
    await kv.put('key.h1', enc.encode('old'));
    await kv.delete('key.h1');
    expect(await bind('h1', 'a2')).toBeNull();
    expect(await value('key.h1')).toBe('a2');
  });

  it('release leaves a key that names another agent alone', async () => {
    await bind('h1', 'a1');
    live.delete('a1');
    await bind('h1', 'a2');
    await keys.release('a1');
    expect(await value('key.h1')).toBe('a2');
    expect(await value('agentkey.a2')).toBe('h1');
    await keys.release('nobody');
    expect(await value('key.h1')).toBe('a2');
  });

  it('lets exactly one of two concurrent claims of a free key win', async () => {
    live = new Set(['a1', 'a2']);
    await Promise.all([kv.put('agentkey.a1', enc.encode('h1')), kv.put('agentkey.a2', enc.encode('h1'))]);
    const results = await Promise.all([keys.claim('h1', 'a1', isLive), keys.claim('h1', 'a2', isLive)]);
    const winner = await value('key.h1');
    expect(results.filter((r) => r === null)).toHaveLength(1);
    expect(results).toContain(winner);
  });

  it('claims a key it released itself in one write, without reading it first', async () => {
    const calls: string[] = [];
    const counted: KvStore = Object.assign(Object.create(kv) as KvStore, {
      get: (k: string) => (calls.push(`get ${k}`), kv.get(k)),
      update: (k: string, v: Uint8Array, r: number) => (calls.push(`update ${k}`), kv.update(k, v, r)),
      create: (k: string, v: Uint8Array) => (calls.push(`create ${k}`), kv.create(k, v)),
    });
    keys = new KeyBindings(counted);
    await bind('h1', 'a1');
    await keys.release('a1');
    calls.length = 0;
    expect(await keys.claim('h1', 'a2', isLive)).toBeNull();
    expect(calls).toEqual(['update key.h1']);
    expect(await value('key.h1')).toBe('a2');
  });

  it('reads the entry again when another replica wrote the key since', async () => {
    const other = new KeyBindings(kv);
    await bind('h1', 'a1');
    await keys.release('a1');
    expect(await other.claim('h1', 'a2', isLive)).toBeNull();
    await other.link('a2', 'h1');
    live.add('a2');
    expect(await keys.claim('h1', 'a3', isLive)).toBe('a2');
    expect(await value('key.h1')).toBe('a2');
    // Once a2 is gone this replica takes the key over at the revision it read.
    live.delete('a2');
    expect(await keys.claim('h1', 'a3', isLive)).toBeNull();
    expect(await value('key.h1')).toBe('a3');
  });

  it('gives up with a conflict after five rounds when the key keeps moving', async () => {
    let creates = 0;
    const moving: KvStore = Object.assign(Object.create(kv) as KvStore, {
      create: () => (creates++, Promise.reject(new KvConflictError('registry', 'key.h1'))),
    });
    await expect(new KeyBindings(moving).claim('h1', 'a1', isLive)).rejects.toMatchObject({ name: 'KvConflictError', key: 'key.h1' });
    expect(creates).toBe(5);
  });

  it('does not retry a write that failed for another reason than a race', async () => {
    let creates = 0;
    const failing: KvStore = Object.assign(Object.create(kv) as KvStore, {
      create: () => (creates++, Promise.reject(new Error('disk failure'))),
    });
    await expect(new KeyBindings(failing).claim('h1', 'a1', isLive)).rejects.toThrow('disk failure');
    expect(creates).toBe(1);
  });
});
