import { createRelay, RELAY_MAX_PENDING, RELAY_TURN_DELIVERIES, RELAY_TURN_SOCKETS, type RelayOptions } from './relay';

/** A relay on manual turns: each shard of every topic has `reach` subscribers. */
function harness({ reach, ...opts }: Partial<Omit<RelayOptions, 'subscribers'>> & { reach?: number } = {}) {
  const turns: Array<() => void> = [];
  const published: string[] = [];
  /** Shard publishes in the pushing code (index 0), then in each turn run. */
  const perTurn: number[] = [0];
  const drops: Array<[string, number]> = [];
  const relay = createRelay({
    publish: (topic, shard, bytes) => {
      published.push((opts.shards ?? 1) > 1 ? `${topic}#${shard}:${String(bytes)}` : `${topic}:${String(bytes)}`);
      perTurn[perTurn.length - 1]!++;
      return reach ?? 1;
    },
    subscribers: () => reach ?? 1,
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
  const h = harness({ turnDeliveries: 10, reach: 4 });
  for (let i = 0; i < 9; i++) h.relay.push(i % 2 ? 'odd' : 'even', String(i), 'logs');
  // 4 sockets each: the third frame brings a turn to 12 deliveries, past the 10 of the budget.
  expect(h.perTurn).toEqual([3]);
  expect(h.relay.pending()).toBe(6);
  expect(h.turns).toHaveLength(1);
  h.runAll();
  // The last turn only starts a fresh budget for what comes next.
  expect(h.perTurn).toEqual([3, 3, 3, 0]);
  expect(h.published).toEqual(['even:0', 'odd:1', 'even:2', 'odd:3', 'even:4', 'odd:5', 'even:6', 'odd:7', 'even:8']);
});

test('a frame with more subscribers than the whole budget still goes out, one per turn', () => {
  const h = harness({ turnDeliveries: 10, reach: 50 });
  for (let i = 0; i < 3; i++) h.relay.push('t', String(i), 'logs');
  h.runAll();
  expect(h.perTurn).toEqual([1, 1, 1, 0]);
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

test('the default budgets: 20,000 deliveries and 1,000 sockets per turn', () => {
  expect(RELAY_TURN_DELIVERIES).toBe(20_000);
  expect(RELAY_TURN_SOCKETS).toBe(1_000);
  // 1,000 sockets in 16 shards of 62 or 63: every socket each turn, 20 frames a turn.
  const small = harness({ reach: 62.5, shards: 16 });
  for (let i = 0; i < 50; i++) small.relay.push('t', String(i), 'logs');
  small.runAll();
  expect(small.perTurn.map((n) => n / 16)).toEqual([20, 20, 10, 0]);
  // 10,000 sockets in 16 shards of 625: a frame goes out over eight turns of two shards.
  const large = harness({ reach: 625, shards: 16 });
  large.relay.push('t', 'x', 'logs');
  large.runAll();
  expect(large.perTurn).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 0]);
  expect(large.published).toEqual(Array.from({ length: 16 }, (_, i) => `t#${i}:x`));
});

test('shards already written in a turn take more frames without counting their sockets again', () => {
  // Two shards of 1,000: after one frame every socket is being written this turn; the next
  // frames cost deliveries only, until the 10,000 of the budget.
  const h = harness({ reach: 1000, shards: 2, turnSockets: 2500, turnDeliveries: 10_000 });
  for (let i = 0; i < 7; i++) h.relay.push('t', String(i), 'logs');
  h.runAll();
  expect(h.perTurn).toEqual([10, 4, 0]);
});

test("a shard that waited gets its frames in order, and a turn's socket write carries all it may", () => {
  const h = harness({ reach: 1000, shards: 4, turnSockets: 2000 });
  h.relay.push('a', '1', 'logs');
  h.relay.push('b', '2', 'logs');
  // Shards 0 and 1 (2,000 sockets) take both frames at once; 2 and 3 take both in the next turn.
  expect(h.published).toEqual(['a#0:1', 'a#1:1', 'b#0:2', 'b#1:2']);
  h.runAll();
  expect(h.published.slice(4)).toEqual(['a#2:1', 'a#3:1', 'b#2:2', 'b#3:2']);
  expect(h.perTurn).toEqual([4, 4, 0]);
});

test('a turn starts with the shards the last one could not write', () => {
  const h = harness({ reach: 1000, shards: 4, turnSockets: 1000 });
  for (const n of [1, 2]) h.relay.push('t', String(n), 'logs');
  h.runAll();
  expect(h.published).toEqual(['t#0:1', 't#0:2', 't#1:1', 't#1:2', 't#2:1', 't#2:2', 't#3:1', 't#3:2']);
  expect(h.perTurn).toEqual([2, 2, 2, 2, 0]);
});

test('a frame takes budget only in shards with subscribers', () => {
  const subscribed = new Set([2, 5]);
  const published: string[] = [];
  const turns: Array<() => void> = [];
  const relay = createRelay({
    shards: 8,
    turnDeliveries: 2,
    subscribers: (_t, shard) => (subscribed.has(shard) ? 1 : 0),
    publish: (_t, shard, bytes) => (published.push(`${String(bytes)}#${shard}`), 1),
    onDrop: () => undefined,
    schedule: (fn) => (turns.push(fn), { cancel: () => undefined }),
  });
  relay.push('t', 'a', 'logs');
  relay.push('t', 'b', 'logs');
  // The budget of 2 went to the first frame's two subscribed shards; the second frame waits whole.
  expect(published).toEqual(['a#2', 'a#5']);
  expect(relay.pending()).toBe(1);
  turns.shift()!();
  expect(published).toEqual(['a#2', 'a#5', 'b#2', 'b#5']);
});

test('frames nobody subscribes to use no budget and schedule nothing', () => {
  const h = harness({ turnDeliveries: 10, reach: 0 });
  for (let i = 0; i < 100; i++) h.relay.push('t', String(i), 'logs');
  expect(h.published).toEqual([]);
  expect(h.relay.pending()).toBe(0);
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
  expect(h.perTurn.slice(0, -1).every((n) => n === 3)).toBe(true);
  expect(h.perTurn.at(-1)).toBe(0);
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
    subscribers: () => 1,
    publish: (_t, _s, b) => {
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

test('a step runs at once while nothing waits, else behind what waits and before what follows', () => {
  const h = harness({ turnDeliveries: 1 });
  const steps: string[] = [];
  h.relay.inOrder(0, () => steps.push('idle'));
  expect(steps).toEqual(['idle']);
  expect(h.relay.busy()).toBe(false);
  h.relay.push('t', 'a', 'logs');
  h.relay.push('t', 'b', 'logs');
  expect(h.relay.busy()).toBe(true);
  h.relay.inOrder(0, () => steps.push(`after ${h.published.join(',')}`));
  h.relay.push('t', 'c', 'logs');
  h.runAll();
  expect(steps).toEqual(['idle', 'after t:a,t:b']);
  expect(h.published).toEqual(['t:a', 't:b', 't:c']);
  expect(h.relay.busy()).toBe(false);
});

test('a step in the middle of a turn runs there: the turn goes on with what follows it', () => {
  const h = harness({ turnDeliveries: 2 });
  const steps: string[] = [];
  for (let i = 0; i < 3; i++) h.relay.push('t', String(i), 'logs');
  h.relay.inOrder(0, () => steps.push(`step after ${h.published.length}`));
  h.relay.push('t', '3', 'logs');
  h.runTurn();
  expect(steps).toEqual(['step after 3']);
  expect(h.published).toEqual(['t:0', 't:1', 't:2', 't:3']);
});

test('dropping the oldest frame never drops a step: the step runs when its shard reaches it', () => {
  const h = harness({ turnDeliveries: 1, maxPending: 2 });
  const steps: string[] = [];
  h.relay.push('t', 'sent', 'logs');
  h.relay.push('t', 'a', 'logs');
  h.relay.inOrder(0, () => steps.push(`subscribe after ${h.published.join(',')}`));
  h.relay.push('t', 'b', 'logs');
  h.relay.push('t', 'c', 'logs');
  // Dropping 'a' put the step at the head of its shard: it runs at once, before 'b'.
  expect(h.drops).toEqual([['logs', 1]]);
  expect(steps).toEqual(['subscribe after t:sent']);
  h.runAll();
  expect(h.published).toEqual(['t:sent', 't:b', 't:c']);
});

test('a step waits only for its own shard', () => {
  const h = harness({ reach: 1000, shards: 2, turnSockets: 1000 });
  const steps: string[] = [];
  h.relay.push('t', 'x', 'logs');
  // Shard 0 took the frame; shard 1 waits for the next turn.
  expect(h.relay.busy(0)).toBe(false);
  expect(h.relay.busy(1)).toBe(true);
  h.relay.inOrder(0, () => steps.push('shard 0'));
  h.relay.inOrder(1, () => steps.push('shard 1'));
  expect(steps).toEqual(['shard 0']);
  h.runAll();
  expect(steps).toEqual(['shard 0', 'shard 1']);
  expect(h.published).toEqual(['t#0:x', 't#1:x']);
});

test('a frame is reported sent after its last shard, with its wait and deliveries', () => {
  let clock = 0;
  const sent: Array<[string, number, number]> = [];
  const h = harness({ reach: 10, shards: 4, turnSockets: 20, now: () => clock, onSent: (type, s, n) => sent.push([type, s, n]) });
  h.relay.push('t', 'x', 'alert');
  expect(sent).toEqual([]);
  clock = 7;
  h.runAll();
  expect(sent).toEqual([['alert', 0.007, 40]]);
});

test('stop forgets waiting steps too', () => {
  const h = harness({ turnDeliveries: 1 });
  const steps: string[] = [];
  h.relay.push('t', 'a', 'logs');
  h.relay.push('t', 'b', 'logs');
  h.relay.inOrder(0, () => steps.push('late'));
  h.relay.stop();
  h.relay.inOrder(0, () => steps.push('after stop'));
  h.runAll();
  expect(steps).toEqual([]);
  expect(h.relay.busy()).toBe(false);
});

test('under sustained overload every shard sees frames in order, each one whole unless dropped, and nothing stays behind', () => {
  const h = harness({ reach: 100, shards: 16, turnSockets: 500, turnDeliveries: 3000, maxPending: 100 });
  let dropped = 0;
  for (let i = 0; i < 5000; i++) {
    h.relay.push('t', String(i), 'logs');
    if (i % 10 === 9) h.runTurn();
    dropped = h.drops.length;
  }
  h.runAll();
  expect(h.relay.pending()).toBe(0);
  expect(h.relay.busy()).toBe(false);
  expect(dropped).toBeGreaterThan(0);
  const perShard = new Map<string, number[]>();
  for (const entry of h.published) {
    const [shard, n] = entry.slice(2).split(':') as [string, string];
    perShard.set(shard, [...(perShard.get(shard) ?? []), Number(n)]);
  }
  expect(perShard.size).toBe(16);
  for (const seq of perShard.values()) expect(seq).toEqual([...seq].sort((a, b) => a - b));
  // A frame reached every shard unless it was dropped (a dropped one may have reached some).
  const reached = new Map<number, number>();
  for (const seq of perShard.values()) for (const n of seq) reached.set(n, (reached.get(n) ?? 0) + 1);
  const whole = [...reached.values()].filter((k) => k === 16).length;
  expect(whole).toBe(5000 - dropped);
  expect(reached.get(4999)).toBe(16);
});
