/**
 * Contract cases for KV buckets: reads and writes, compare-and-set, watches and TTL.
 */
import { KvConflictError } from '../errors';
import { type ContractContext } from './bus-contract';
import { dec, enc, waitFor, watchRecorder } from './helpers';

export function kvContract(ctx: ContractContext): void {
  it('puts, gets, lists and deletes keys', async () => {
    const kv = await ctx.bus().kv(ctx.name('kv'));
    expect(await kv.get('missing')).toBeNull();
    const r1 = await kv.put('a', enc('1'));
    const r2 = await kv.put('b.c', enc('2'));
    const r3 = await kv.put('a', enc('3'));
    expect(r2).toBeGreaterThan(r1);
    expect(r3).toBeGreaterThan(r2);
    const a = await kv.get('a');
    expect(a && { key: a.key, value: dec(a.value), revision: a.revision, op: a.operation }).toEqual({
      key: 'a',
      value: '3',
      revision: r3,
      op: 'PUT',
    });
    expect((await kv.keys()).sort()).toEqual(['a', 'b.c']);
    await kv.delete('a');
    expect(await kv.get('a')).toBeNull();
    expect(await kv.keys()).toEqual(['b.c']);
  });

  it('shares one bucket between kv() calls with the same name', async () => {
    const bucket = ctx.name('shared');
    const first = await ctx.bus().kv(bucket);
    await first.put('k', enc('v'));
    const second = await ctx.bus().kv(bucket);
    expect(dec((await second.get('k'))?.value ?? enc(''))).toBe('v');
  });

  it('create() fails with KvConflictError while the key holds a value', async () => {
    const kv = await ctx.bus().kv(ctx.name('create'));
    const rev = await kv.create('lease', enc('me'));
    expect(rev).toBeGreaterThan(0);
    await expect(kv.create('lease', enc('you'))).rejects.toBeInstanceOf(KvConflictError);
    expect(dec((await kv.get('lease'))?.value ?? enc(''))).toBe('me');
    await kv.delete('lease');
    await expect(kv.create('lease', enc('you'))).resolves.toBeGreaterThan(rev);
  });

  it('update() is a compare-and-set on the revision', async () => {
    const kv = await ctx.bus().kv(ctx.name('cas'));
    const r1 = await kv.put('agent', enc('alive'));
    const r2 = await kv.update('agent', enc('dead'), r1);
    expect(r2).toBeGreaterThan(r1);
    await expect(kv.update('agent', enc('stale'), r1)).rejects.toBeInstanceOf(KvConflictError);
    await expect(kv.update('nobody', enc('x'), r2)).rejects.toBeInstanceOf(KvConflictError);
    expect(dec((await kv.get('agent'))?.value ?? enc(''))).toBe('dead');
  });

  it('delete() with a revision only removes that revision', async () => {
    const kv = await ctx.bus().kv(ctx.name('del'));
    const r1 = await kv.put('k', enc('1'));
    const r2 = await kv.put('k', enc('2'));
    await expect(kv.delete('k', r1)).rejects.toBeInstanceOf(KvConflictError);
    expect(await kv.get('k')).not.toBeNull();
    await kv.delete('k', r2);
    expect(await kv.get('k')).toBeNull();
  });

  it('watch delivers current values, then onInitialDone, then live puts and deletes', async () => {
    const kv = await ctx.bus().kv(ctx.name('watch'));
    await kv.put('a', enc('1'));
    await kv.put('b', enc('2'));
    await kv.put('gone', enc('x'));
    await kv.delete('gone');
    const w = watchRecorder();
    const watch = await kv.watch({ onInitialDone: w.onInitialDone }, w.onEntry);
    const control = watchRecorder();
    const running = await kv.watch({ onInitialDone: control.onInitialDone }, control.onEntry);
    await waitFor('initial set', () => w.seen.includes('<initial done>'));
    expect(w.seen).toEqual(['PUT a=1', 'PUT b=2', '<initial done>']);
    await kv.put('c', enc('3'));
    await kv.delete('a');
    await waitFor('live updates', () => w.seen.length === 5);
    expect(w.seen.slice(3)).toEqual(['PUT c=3', 'DEL a=']);
    watch.stop();
    await kv.put('d', enc('4'));
    // A watch left running has the entry: the stopped one would have had it by now too.
    await waitFor('the entry on the running watch', () => control.seen.includes('PUT d=4'));
    expect(w.seen).toHaveLength(5);
    running.stop();
  });

  it('lastRevision is the newest write, and a watch reports reaching it', async () => {
    const kv = await ctx.bus().kv(ctx.name('rev'));
    expect(await kv.lastRevision()).toBe(0);
    await kv.put('a', enc('1'));
    const r2 = await kv.put('b', enc('2'));
    expect(await kv.lastRevision()).toBe(r2);
    await kv.delete('b');
    const afterDelete = await kv.lastRevision();
    expect(afterDelete).toBeGreaterThan(r2);
    const w = watchRecorder();
    const watch = await kv.watch({ onInitialDone: w.onInitialDone }, w.onEntry);
    // The deleted key is not delivered in the initial set, yet the watch has covered its revision.
    await waitFor('initial set covers the deletion', () => w.seen.includes('<initial done>') && watch.revision >= afterDelete);
    expect(w.seen).toEqual(['PUT a=1', '<initial done>']);
    const r4 = await kv.put('c', enc('3'));
    expect(await kv.lastRevision()).toBe(r4);
    await waitFor('live write reached', () => watch.revision === r4);
    expect(w.seen).toContain('PUT c=3');
    watch.stop();
  });

  it('watch honours a key filter and initial: false', async () => {
    const kv = await ctx.bus().kv(ctx.name('filter'));
    await kv.put('agents.a1', enc('old'));
    const filtered = watchRecorder();
    const live = watchRecorder();
    const w1 = await kv.watch({ key: 'agents.*', onInitialDone: filtered.onInitialDone }, filtered.onEntry);
    const w2 = await kv.watch({ initial: false, onInitialDone: live.onInitialDone }, live.onEntry);
    await waitFor('both initial sets', () => filtered.seen.includes('<initial done>') && live.seen.length === 1);
    await kv.put('other', enc('x'));
    await kv.put('agents.a2', enc('new'));
    await waitFor('live updates', () => filtered.seen.length === 3 && live.seen.length === 3);
    expect(filtered.seen).toEqual(['PUT agents.a1=old', '<initial done>', 'PUT agents.a2=new']);
    expect(live.seen).toEqual(['<initial done>', 'PUT other=x', 'PUT agents.a2=new']);
    w1.stop();
    w2.stop();
  });

  it('watch on an empty bucket still signals onInitialDone', async () => {
    const kv = await ctx.bus().kv(ctx.name('empty'));
    const w = watchRecorder();
    const watch = await kv.watch({ onInitialDone: w.onInitialDone }, w.onEntry);
    await waitFor('initial done', () => w.seen.length === 1);
    await kv.put('first', enc('1'));
    await waitFor('live update', () => w.seen.length === 2);
    expect(w.seen).toEqual(['<initial done>', 'PUT first=1']);
    watch.stop();
  });

  it('keeps watching after the callback throws', async () => {
    const kv = await ctx.bus().kv(ctx.name('wthrow'));
    const seen: string[] = [];
    const watch = await kv.watch({ initial: false }, (e) => {
      seen.push(e.key);
      if (e.key === 'bad') throw new Error('watch callback failure');
    });
    await kv.put('bad', enc('x'));
    await kv.put('good', enc('y'));
    await waitFor('both entries', () => seen.length === 2);
    expect(seen).toEqual(['bad', 'good']);
    watch.stop();
  });

  it('expires entries after the bucket TTL', async () => {
    const kv = await ctx.bus().kv(ctx.name('ttl'), { ttlMs: 1000 });
    await kv.put('short', enc('lived'));
    expect(await kv.get('short')).not.toBeNull();
    await waitFor('the entry to expire', async () => (await kv.get('short')) === null, 6000);
    expect(await kv.keys()).toEqual([]);
    await expect(kv.create('short', enc('again'))).resolves.toBeGreaterThan(0);
  }, 10000);
}
