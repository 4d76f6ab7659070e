import { createRelay, RELAY_MAX_PENDING, RELAY_TURN_BUDGET_MS, type RelayOptions } from './relay';

/** A relay on a manual clock and manual turns: each publish takes `costMs` of the clock. */
function harness(opts: Partial<RelayOptions> & { costMs?: number } = {}) {
  let clock = 0;
  const turns: Array<() => void> = [];
  const published: string[] = [];
  const perTurn: number[] = [];
  const drops: Array<[string, number]> = [];
  const relay = createRelay({
    publish: (topic, bytes) => {
      published.push(`${topic}:${String(bytes)}`);
      perTurn[perTurn.length - 1]!++;
      clock += opts.costMs ?? 1;
    },
    onDrop: (type, n) => drops.push([type, n]),
    now: () => clock,
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
  return { relay, published, perTurn, drops, turns, runTurn };
}

test('nothing is published in the pushing call: the frame waits for the next turn', () => {
  const h = harness();
  h.relay.push('t', 'a', 'logs');
  expect(h.published).toEqual([]);
  expect(h.turns).toHaveLength(1);
  expect(h.runTurn()).toBe(true);
  expect(h.published).toEqual(['t:a']);
  expect(h.turns).toHaveLength(0);
});

test('one turn is scheduled however many frames are pushed before it runs', () => {
  const h = harness();
  for (let i = 0; i < 5; i++) h.relay.push('t', String(i), 'logs');
  expect(h.turns).toHaveLength(1);
  h.runTurn();
  expect(h.published).toEqual(['t:0', 't:1', 't:2', 't:3', 't:4']);
});

test('a turn stops at its time budget and the rest follows, in order, in later turns', () => {
  const h = harness({ turnBudgetMs: 10, costMs: 4 });
  for (let i = 0; i < 7; i++) h.relay.push(i % 2 ? 'odd' : 'even', String(i), 'logs');
  while (h.runTurn());
  // 4 ms each: the third publish ends at 12 ms, past the 10 ms budget.
  expect(h.perTurn).toEqual([3, 3, 1]);
  expect(h.published).toEqual(['even:0', 'odd:1', 'even:2', 'odd:3', 'even:4', 'odd:5', 'even:6']);
});

test('a frame slower than the whole budget still goes out, one per turn', () => {
  const h = harness({ turnBudgetMs: 10, costMs: 50 });
  for (let i = 0; i < 3; i++) h.relay.push('t', String(i), 'logs');
  while (h.runTurn());
  expect(h.perTurn).toEqual([1, 1, 1]);
});

test('the default budget is 20 ms per turn', () => {
  expect(RELAY_TURN_BUDGET_MS).toBe(20);
  const h = harness({ costMs: 5 });
  for (let i = 0; i < 10; i++) h.relay.push('t', String(i), 'logs');
  while (h.runTurn());
  expect(h.perTurn).toEqual([4, 4, 2]);
});

test('past the bound the oldest frames are dropped and counted by type', () => {
  const h = harness({ maxPending: 3 });
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
  while (h.runTurn());
  expect(h.published).toEqual(['t:c', 't:d', 't:e']);
  expect(h.relay.pending()).toBe(0);
});

test('the default bound is 4,096 frames', () => {
  expect(RELAY_MAX_PENDING).toBe(4096);
  const h = harness();
  for (let i = 0; i < 4097; i++) h.relay.push('t', String(i), 'logs');
  expect(h.drops).toEqual([['logs', 1]]);
  expect(h.relay.pending()).toBe(4096);
});

test('a long backlog drains completely across many turns, nothing lost or repeated', () => {
  const h = harness({ turnBudgetMs: 3, costMs: 1 });
  for (let i = 0; i < 3000; i++) h.relay.push('t', String(i), 'logs');
  while (h.runTurn());
  expect(h.published).toHaveLength(3000);
  expect(h.published.at(0)).toBe('t:0');
  expect(h.published.at(-1)).toBe('t:2999');
  expect(new Set(h.published).size).toBe(3000);
  expect(h.perTurn.every((n) => n === 3)).toBe(true);
});

test('frames pushed while a backlog drains join its end', () => {
  const h = harness({ turnBudgetMs: 2, costMs: 1 });
  for (let i = 0; i < 3; i++) h.relay.push('t', String(i), 'logs');
  h.runTurn();
  h.relay.push('t', 'late', 'logs');
  expect(h.turns).toHaveLength(1);
  while (h.runTurn());
  expect(h.published).toEqual(['t:0', 't:1', 't:2', 't:late']);
});

test('stop forgets the queue, cancels the turn and ignores later pushes', () => {
  const h = harness();
  h.relay.push('t', 'a', 'logs');
  h.relay.stop();
  expect(h.turns).toHaveLength(0);
  h.relay.push('t', 'b', 'logs');
  expect(h.turns).toHaveLength(0);
  expect(h.relay.pending()).toBe(0);
  expect(h.published).toEqual([]);
});

test('without a schedule it runs on setImmediate, after the pushing code', async () => {
  const published: string[] = [];
  const relay = createRelay({ publish: (_t, b) => published.push(String(b)), onDrop: () => undefined });
  relay.push('t', 'x', 'logs');
  expect(published).toEqual([]);
  await new Promise((r) => setImmediate(r));
  expect(published).toEqual(['x']);
});
