/**
 * Contract cases for publish/subscribe, queue groups, request/reply and the bus lifecycle.
 */
import { type BusMessage } from '../bus';
import { BusClosedError, BusNoResponderError, BusTimeoutError } from '../errors';
import { type ContractContext } from './bus-contract';
import { dec, enc, recorder, waitFor } from './helpers';

export function messagingContract(ctx: ContractContext): void {
  it('delivers to exact, * and > subscribers only', async () => {
    const bus = ctx.bus();
    const p = ctx.name('ps');
    const exact = recorder();
    const star = recorder();
    const tail = recorder();
    const other = recorder();
    bus.subscribe(`${p}.a.b`, exact.handler);
    bus.subscribe(`${p}.*.b`, star.handler);
    bus.subscribe(`${p}.>`, tail.handler);
    bus.subscribe(`${p}.x`, other.handler);
    await bus.flush();
    bus.publish(`${p}.a.b`, enc('1'));
    bus.publish(`${p}.c.d`, enc('2'));
    bus.publish(`${p}.a.b.c`, enc('3'));
    // Published last on the same connection: once it has arrived, everything before it has.
    bus.publish(`${p}.x`, enc('end'));
    await waitFor('the last delivery', () => other.seen.length === 1);
    expect(exact.seen).toEqual([`${p}.a.b:1`]);
    expect(star.seen).toEqual([`${p}.a.b:1`]);
    expect(tail.seen).toEqual([`${p}.a.b:1`, `${p}.c.d:2`, `${p}.a.b.c:3`, `${p}.x:end`]);
    expect(other.seen).toEqual([`${p}.x:end`]);
  });

  it('never delivers inside publish() and keeps publish order', async () => {
    const bus = ctx.bus();
    const s = ctx.name('order');
    const r = recorder();
    bus.subscribe(s, r.handler);
    await bus.flush();
    for (let i = 0; i < 20; i++) bus.publish(s, enc(String(i)));
    expect(r.seen).toEqual([]);
    await waitFor('20 messages', () => r.seen.length === 20);
    expect(r.seen).toEqual(Array.from({ length: 20 }, (_, i) => `${s}:${i}`));
  });

  it('stops delivering after unsubscribe', async () => {
    const bus = ctx.bus();
    const s = ctx.name('unsub');
    const r = recorder();
    const probe = recorder();
    const sub = bus.subscribe(s, r.handler);
    bus.subscribe(s, probe.handler);
    await bus.flush();
    bus.publish(s, enc('before'));
    await waitFor('first message', () => r.seen.length === 1);
    sub.unsubscribe();
    await bus.flush();
    bus.publish(s, enc('after'));
    await waitFor('probe sees second message', () => probe.seen.length === 2);
    expect(r.seen).toEqual([`${s}:before`]);
  });

  it('gives each message to exactly one queue-group member', async () => {
    const bus = ctx.bus();
    const s = ctx.name('queue');
    const a = recorder();
    const b = recorder();
    const plain = recorder();
    bus.subscribe(s, a.handler, { queue: 'workers' });
    bus.subscribe(s, b.handler, { queue: 'workers' });
    bus.subscribe(s, plain.handler);
    await bus.flush();
    for (let i = 0; i < 40; i++) bus.publish(s, enc(String(i)));
    // A last message: once the group has it, every earlier delivery to the group has been made.
    bus.publish(s, enc('end'));
    await waitFor('plain subscriber gets all', () => plain.seen.length === 41);
    await waitFor('group gets the last one', () => [...a.seen, ...b.seen].includes(`${s}:end`));
    expect(a.seen.length + b.seen.length).toBe(41);
    expect(new Set([...a.seen, ...b.seen]).size).toBe(41);
    expect(a.seen.length).toBeGreaterThan(0);
    expect(b.seen.length).toBeGreaterThan(0);
  });

  it('keeps a subscription alive when its handler throws', async () => {
    const bus = ctx.bus();
    const s = ctx.name('throw');
    const seen: string[] = [];
    bus.subscribe(s, (m) => {
      seen.push(dec(m.data));
      if (dec(m.data) === 'bad') throw new Error('handler failure');
    });
    await bus.flush();
    bus.publish(s, enc('bad'));
    bus.publish(s, enc('good'));
    await waitFor('both messages', () => seen.length === 2);
    bus.publish(s, enc('later'));
    await waitFor('a later message', () => seen.length === 3);
    expect(seen).toEqual(['bad', 'good', 'later']);
  });

  it('answers a request through respond()', async () => {
    const bus = ctx.bus();
    const s = ctx.name('req');
    bus.subscribe(s, (m) => m.respond(enc(dec(m.data).toUpperCase())), { queue: 'responders' });
    bus.subscribe(s, (m) => m.respond(enc(dec(m.data).toUpperCase())), { queue: 'responders' });
    await bus.flush();
    const reply = await bus.request(s, enc('ping'), { timeoutMs: 2000 });
    expect(dec(reply.data)).toBe('PING');
    const replies = await Promise.all([1, 2, 3].map((i) => bus.request(s, enc(`r${i}`), { timeoutMs: 2000 })));
    expect(replies.map((m) => dec(m.data))).toEqual(['R1', 'R2', 'R3']);
  });

  it('reports respond() on a message without reply subject as false', async () => {
    const bus = ctx.bus();
    const s = ctx.name('noreply');
    const results: boolean[] = [];
    bus.subscribe(s, (m: BusMessage) => results.push(m.respond(enc('x'))));
    await bus.flush();
    bus.publish(s, enc('fire-and-forget'));
    await waitFor('delivery', () => results.length === 1);
    expect(results).toEqual([false]);
  });

  it('rejects with BusTimeoutError when nobody answers in time', async () => {
    const bus = ctx.bus();
    const s = ctx.name('timeout');
    bus.subscribe(s, () => undefined);
    await bus.flush();
    const started = Date.now();
    await expect(bus.request(s, enc('?'), { timeoutMs: 150 })).rejects.toBeInstanceOf(BusTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('rejects with BusNoResponderError at once when nobody listens', async () => {
    const bus = ctx.bus();
    const started = Date.now();
    await expect(bus.request(ctx.name('nobody'), enc('?'), { timeoutMs: 5000 })).rejects.toBeInstanceOf(BusNoResponderError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
}

export function lifecycleContract(ctx: ContractContext): void {
  it('starts connected', () => {
    expect(ctx.bus().status()).toBe('connected');
  });

  it('drain delivers what was published, then closes', async () => {
    const bus = ctx.bus();
    const s = ctx.name('drain');
    const r = recorder();
    bus.subscribe(s, r.handler);
    await bus.flush();
    for (let i = 0; i < 5; i++) bus.publish(s, enc(String(i)));
    await bus.drain();
    expect(r.seen).toHaveLength(5);
    expect(bus.status()).toBe('closed');
  });

  it('refuses work after close with BusClosedError', async () => {
    const bus = ctx.bus();
    const s = ctx.name('closed');
    await bus.close();
    expect(bus.status()).toBe('closed');
    expect(() => bus.publish(s, enc('x'))).toThrow(BusClosedError);
    expect(() => bus.subscribe(s, () => undefined)).toThrow(BusClosedError);
    await expect(bus.request(s, enc('x'), { timeoutMs: 100 })).rejects.toBeInstanceOf(BusClosedError);
    await expect(bus.kv(ctx.name('closedkv'))).rejects.toBeInstanceOf(BusClosedError);
    await bus.close();
  });

  it('fails pending requests with BusClosedError on close', async () => {
    const bus = ctx.bus();
    const s = ctx.name('pending');
    let received = false;
    bus.subscribe(s, () => (received = true)); // receives, never answers
    await bus.flush();
    const pending = bus.request(s, enc('x'), { timeoutMs: 5000 });
    await waitFor('the request delivered', () => received);
    await bus.close();
    await expect(pending).rejects.toBeInstanceOf(BusClosedError);
  });
}
