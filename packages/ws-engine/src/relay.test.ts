import { createRelay, RELAY_MAX_PENDING, RELAY_TURN_DELIVERIES, type RelayOptions } from './relay';

/** A relay on manual turns: each publish reaches `subscribers` sockets. */
function harness(opts: Partial<RelayOptions> & { subscribers?: number } = {}) {
  const turns: Array<() => void> = [];
  const published: string[] = [];
  /** Frames published in the pushing code (index 0), then in each turn run. */
  const perTurn: number[] = [0];
  const drops: Array<[string, number]> = [];
  const relay = createRelay({
    publish: (topic, bytes) => {
      published.push(`${topic}:${String(bytes)}`);
      perTurn[perTurn.length - 1]!++;
      return opts.subscribers ?? 1;
    },
    onDrop: (type, n) => drops.push([type, n]),
    schedule: (fn) => {
      turns.push(fn);
      return { cancel: () => turns.splice(turns.indexOf(fn), 1) };
    },
    ...opts,
  });
  /** Runs the next scheduled turn; false when none is scheduled. */
  const runTurn = () => {
    const fn = turns.shift();
    if (!fn) return false;
    perTurn.push(0);
    fn();
    return true;
  };
  const runAll = () => {
    while (runTurn());
  };
  return { relay, published, perTurn, drops, turns, runTurn, runAll };
}

test('within the turn budget a frame is published in the pushing call, as without a relay', () => {
  const h = harness({ turnDeliveries: 10 });
  h.relay.push('t', 'a', 'logs');
  h.relay.push('t', 'b', 'logs');
  expect(h.published).toEqual(['t:a', 't:b']);
  expect(h.relay.pending()).toBe(0);
  // One turn is scheduled to start the next budget afresh; it publishes nothing.
  expect(h.turns).toHaveLength(1);
  h.runAll();
  expect(h.perTurn).toEqual([2, 0]);
});

test('past the budget frames wait, in order, for the turns that follow, a budget each', () => {
  const h = harness({ turnDeliveries: 10, subscribers: 4 });
  for (let i = 0; i < 9; i++) h.relay.push(i % 2 ? 'odd' : 'even', String(i), 'logs');
  // 4 sockets each: the third frame brings a turn to 12 deliveries, past the 10 of the budget.
  expect(h.perTurn).toEqual([3]);
  expect(h.relay.pending()).toBe(6);
  expect(h.turns).toHaveLength(1);
  h.runAll();
  expect(h.perTurn).toEqual([3, 3, 3]);
  expect(h.published).toEqual(['even:0', 'odd:1', 'even:2', 'odd:3', 'even:4', 'odd:5', 'even:6', 'odd:7', 'even:8']);
});

test('a frame with more subscribers than the whole budget still goes out, one per turn', () => {
  const h = harness({ turnDeliveries: 10, subscribers: 50 });
  for (let i = 0; i < 3; i++) h.relay.push('t', String(i), 'logs');
  h.runAll();
  expect(h.perTurn).toEqual([1, 1, 1]);
});

test('a frame pushed after the backlog went out, with budget left, goes out at once and in order', () => {
  const h = harness({ turnDeliveries: 2 });
  for (let i = 0; i < 3; i++) h.relay.push('t', String(i), 'logs');
  expect(h.relay.pending()).toBe(1);
  h.runTurn();
  // The turn published the waiting frame and has budget left: the new one goes at once.
  h.relay.push('t', 'late', 'logs');
  expect(h.published).toEqual(['t:0', 't:1', 't:2', 't:late']);
  h.runAll();
  expect(h.published).toEqual(['t:0', 't:1', 't:2', 't:late']);
});

test('the default budget is 50,000 deliveries per turn: 50 frames to 1,000 sockets, 5 to 10,000', () => {
  expect(RELAY_TURN_DELIVERIES).toBe(50_000);
  const small = harness({ subscribers: 1000 });
  for (let i = 0; i < 120; i++) small.relay.push('t', String(i), 'logs');
  small.runAll();
  expect(small.perTurn).toEqual([50, 50, 20]);
  const large = harness({ subscribers: 10_000 });
  for (let i = 0; i < 12; i++) large.relay.push('t', String(i), 'logs');
  large.runAll();
  expect(large.perTurn).toEqual([5, 5, 2]);
});

test('frames nobody subscribes to use no budget and schedule nothing', () => {
  const h = harness({ turnDeliveries: 10, subscribers: 0 });
  for (let i = 0; i < 100; i++) h.relay.push('t', String(i), 'logs');
  expect(h.perTurn).toEqual([100]);
  expect(h.turns).toHaveLength(0);
});

test('past the bound the oldest waiting frames are dropped and counted by type', () => {
  const h = harness({ turnDeliveries: 1, maxPending: 3 });
  h.relay.push('t', 'sent', 'logs');
  h.relay.push('t', 'a', 'logs');
  h.relay.push('t', 'b', 'alerts');
  h.relay.push('t', 'c', 'logs');
  expect(h.drops).toEqual([]);
  h.relay.push('t', 'd', 'logs');
  h.relay.push('t', 'e', 'logs');
  expect(h.drops).toEqual([
    ['logs', 1],
    ['alerts', 1],
  ]);
  expect(h.relay.pending()).toBe(3);
  h.runAll();
  expect(h.published).toEqual(['t:sent', 't:c', 't:d', 't:e']);
  expect(h.relay.pending()).toBe(0);
});

test('the default bound is 4,096 waiting frames', () => {
  expect(RELAY_MAX_PENDING).toBe(4096);
  const h = harness({ turnDeliveries: 1 });
  for (let i = 0; i < 4098; i++) h.relay.push('t', String(i), 'logs');
  // One published at once, 4,096 waiting, the oldest waiting one dropped.
  expect(h.drops).toEqual([['logs', 1]]);
  expect(h.relay.pending()).toBe(4096);
  expect(h.published).toEqual(['t:0']);
});

test('a long backlog drains completely across many turns, nothing lost or repeated', () => {
  const h = harness({ turnDeliveries: 3 });
  for (let i = 0; i < 3000; i++) h.relay.push('t', String(i), 'logs');
  h.runAll();
  expect(h.published).toHaveLength(3000);
  expect(h.published.at(0)).toBe('t:0');
  expect(h.published.at(-1)).toBe('t:2999');
  expect(new Set(h.published).size).toBe(3000);
  expect(h.perTurn.every((n) => n === 3)).toBe(true);
});

test('stop forgets the queue, cancels the turn and ignores later pushes', () => {
  const h = harness({ turnDeliveries: 1 });
  h.relay.push('t', 'a', 'logs');
  h.relay.push('t', 'b', 'logs');
  h.relay.stop();
  expect(h.turns).toHaveLength(0);
  h.relay.push('t', 'c', 'logs');
  expect(h.turns).toHaveLength(0);
  expect(h.relay.pending()).toBe(0);
  expect(h.published).toEqual(['t:a']);
});

test('without a schedule the next budget starts on setImmediate', async () => {
  const published: string[] = [];
  const relay = createRelay({
    publish: (_t, b) => {
      published.push(String(b));
      return 1;
    },
    onDrop: () => undefined,
    turnDeliveries: 1,
  });
  relay.push('t', 'x', 'logs');
  relay.push('t', 'y', 'logs');
  expect(published).toEqual(['x']);
  await new Promise((r) => setImmediate(r));
  expect(published).toEqual(['x', 'y']);
});
