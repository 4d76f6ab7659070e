import { createMemoryBus } from './memory-bus';
import { runBusContract } from './test-support/bus-contract';
import { enc, waitFor } from './test-support/helpers';

runBusContract('memory', async () => createMemoryBus());

describe('memory bus specifics', () => {
  it('reports handler errors to the hook with the subject', async () => {
    const errors: string[] = [];
    const bus = createMemoryBus({ onHandlerError: (err, subject) => errors.push(`${subject}:${(err as Error).message}`) });
    bus.subscribe('s.x', () => {
      throw new Error('boom');
    });
    bus.publish('s.x', enc('1'));
    await bus.flush();
    expect(errors).toEqual(['s.x:boom']);
    await bus.close();
  });

  it('delivers everything published in one synchronous run in one later microtask', async () => {
    const bus = createMemoryBus();
    const turns: number[] = [];
    let turn = 0;
    bus.subscribe('t.>', () => turns.push(turn));
    bus.publish('t.a', enc('1'));
    bus.publish('t.b', enc('2'));
    turn = 1;
    await Promise.resolve();
    turn = 2;
    await bus.flush();
    expect(turns).toEqual([1, 1]);
    await bus.close();
  });

  it('serves queue groups round-robin', async () => {
    const bus = createMemoryBus();
    const got: string[] = [];
    bus.subscribe('q', () => got.push('a'), { queue: 'g' });
    bus.subscribe('q', () => got.push('b'), { queue: 'g' });
    for (let i = 0; i < 4; i++) bus.publish('q', enc(String(i)));
    await waitFor('four deliveries', () => got.length === 4);
    expect(got).toEqual(['a', 'b', 'a', 'b']);
    await bus.close();
  });

  it('rejects wildcard publish subjects', async () => {
    const bus = createMemoryBus();
    expect(() => bus.publish('a.*', enc('x'))).toThrow(/invalid publish subject/);
    await bus.close();
  });
});
