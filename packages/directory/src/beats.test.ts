import { createMemoryBus, type KvStore } from '@arcp/service-kit';
import { createBeatWriter } from './beats';
import { decodeBeats } from './records';

const turn = () => new Promise<void>((r) => setImmediate(r));

/** A bucket whose writes wait until the test lets them through, one by one, or fail. */
async function gatedBucket(): Promise<{ kv: KvStore; puts: Array<{ key: string; agents: string[] }>; release(fail?: Error): void }> {
  const real = await createMemoryBus().kv('gated_beats');
  const puts: Array<{ key: string; agents: string[] }> = [];
  const gates: Array<(fail?: Error) => void> = [];
  const kv: KvStore = {
    ...real,
    bucket: real.bucket,
    put: (key, value) => {
      puts.push({ key, agents: (decodeBeats(value) ?? []).map((b) => b.agentId) });
      return new Promise<number>((resolve, reject) => {
        gates.push((fail) => (fail ? reject(fail) : resolve(real.put(key, value))));
      });
    },
  };
  return { kv, puts, release: (fail) => gates.shift()?.(fail) };
}

describe('heartbeat log writer', () => {
  it('writes the heartbeats of one turn in one entry, at most maxInFlight entries at once', async () => {
    const { kv, puts, release } = await gatedBucket();
    const writer = createBeatWriter(kv, { maxInFlight: 2 });
    const at = '2025-09-07T21:00:00.000000Z';
    const first = [writer.beat('a', at), writer.beat('b', at)];
    await turn();
    const second = [writer.beat('c', at)];
    await turn();
    // Two entries in flight: these wait, together, for a free slot.
    const third = [writer.beat('d', at), writer.beat('e', at)];
    await turn();
    await turn();
    expect(puts.map((p) => p.agents)).toEqual([['a', 'b'], ['c']]);
    release();
    await Promise.all(first);
    await turn();
    expect(puts.map((p) => p.agents)).toEqual([['a', 'b'], ['c'], ['d', 'e']]);
    release();
    release();
    await Promise.all([...second, ...third]);
    expect(new Set(puts.map((p) => p.key)).size).toBe(3);
  });

  it('rejects only the heartbeats of an entry that could not be written', async () => {
    const { kv, puts, release } = await gatedBucket();
    const writer = createBeatWriter(kv);
    const at = '2025-09-07T21:00:00.000000Z';
    const lost = writer.beat('a', at);
    await turn();
    const kept = writer.beat('b', at);
    await turn();
    expect(puts).toHaveLength(2);
    const failure = new Error('stream unavailable');
    release(failure);
    release();
    await expect(lost).rejects.toBe(failure);
    await expect(kept).resolves.toBeUndefined();
  });

  it('splits a turn over maxBatch heartbeats into several entries, written side by side', async () => {
    const { kv, puts, release } = await gatedBucket();
    const writer = createBeatWriter(kv, { maxBatch: 2, maxInFlight: 4 });
    const done = ['a', 'b', 'c', 'd', 'e'].map((id) => writer.beat(id, '2025-09-07T21:00:00.000000Z'));
    await turn();
    expect(puts.map((p) => p.agents)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    for (let i = 0; i < 3; i++) release();
    await Promise.all(done);
  });
});
