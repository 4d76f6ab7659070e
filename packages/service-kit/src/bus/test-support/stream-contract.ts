/**
 * Contract cases for bounded streams: append, reads by position, limits, purge.
 */
import { BusNoResponderError } from '../errors';
import { type ContractContext } from './bus-contract';
import { dec, enc, recorder, waitFor } from './helpers';

export function streamContract(ctx: ContractContext): void {
  const payloads = (msgs: { data: Uint8Array }[]): string[] => msgs.map((m) => dec(m.data));

  it('appends with increasing sequences and reads last(n) and after(seq)', async () => {
    const subject = ctx.name('logs');
    const stream = await ctx.bus().stream(ctx.name('LOGS'), { subjects: [subject], maxMsgs: 100 });
    const seqs: number[] = [];
    for (let i = 1; i <= 5; i++) seqs.push(await stream.append(subject, enc(`m${i}`)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(5);
    const last = await stream.last(3);
    expect(payloads(last)).toEqual(['m3', 'm4', 'm5']);
    expect(last.map((m) => m.seq)).toEqual(seqs.slice(2));
    expect(last[0]?.subject).toBe(subject);
    expect(last[0]?.time).toBeInstanceOf(Date);
    expect(payloads(await stream.last(50))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(payloads(await stream.after(seqs[1] ?? 0, 2))).toEqual(['m3', 'm4']);
    expect(payloads(await stream.after(seqs[4] ?? 0, 10))).toEqual([]);
    expect(await stream.last(0)).toEqual([]);
  });

  it('keeps only the newest maxMsgs messages', async () => {
    const subject = ctx.name('bounded');
    const stream = await ctx.bus().stream(ctx.name('BOUNDED'), { subjects: [subject], maxMsgs: 3 });
    for (let i = 1; i <= 7; i++) await stream.append(subject, enc(`m${i}`));
    expect(payloads(await stream.last(10))).toEqual(['m5', 'm6', 'm7']);
    expect(payloads(await stream.after(0, 10))).toEqual(['m5', 'm6', 'm7']);
  });

  it('purges everything while sequences keep increasing', async () => {
    const subject = ctx.name('purge');
    const stream = await ctx.bus().stream(ctx.name('PURGE'), { subjects: [subject], maxMsgs: 10 });
    await stream.append(subject, enc('a'));
    const before = await stream.append(subject, enc('b'));
    await stream.purge();
    expect(await stream.last(10)).toEqual([]);
    const after = await stream.append(subject, enc('c'));
    expect(after).toBeGreaterThan(before);
    expect(payloads(await stream.after(0, 10))).toEqual(['c']);
  });

  it('stores plain publishes on captured subjects and delivers appends to subscribers', async () => {
    const base = ctx.name('cap');
    const bus = ctx.bus();
    const stream = await bus.stream(ctx.name('CAP'), { subjects: [`${base}.>`], maxMsgs: 10 });
    const r = recorder();
    bus.subscribe(`${base}.>`, r.handler);
    await bus.flush();
    bus.publish(`${base}.x`, enc('published'));
    await bus.flush();
    await waitFor('stored publish', () => r.seen.length === 1);
    await stream.append(`${base}.y`, enc('appended'));
    await waitFor('delivered append', () => r.seen.length === 2);
    expect(r.seen).toEqual([`${base}.x:published`, `${base}.y:appended`]);
    await waitFor('stored both', async () => (await stream.last(10)).length === 2);
    expect(payloads(await stream.last(10))).toEqual(['published', 'appended']);
  });

  it('is idempotent: a second stream() call sees the same messages', async () => {
    const subject = ctx.name('idem');
    const name = ctx.name('IDEM');
    const first = await ctx.bus().stream(name, { subjects: [subject], maxMsgs: 10 });
    await first.append(subject, enc('one'));
    const second = await ctx.bus().stream(name, { subjects: [subject], maxMsgs: 10 });
    expect(payloads(await second.last(10))).toEqual(['one']);
  });

  it('rejects an append on a subject the stream does not capture', async () => {
    const stream = await ctx.bus().stream(ctx.name('NARROW'), { subjects: [ctx.name('narrow')], maxMsgs: 10 });
    await expect(stream.append(ctx.name('elsewhere'), enc('x'))).rejects.toBeInstanceOf(BusNoResponderError);
  });
}
