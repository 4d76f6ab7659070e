import { createCoalescer, type Coalescer } from './coalesce';

const W = 50;
let runs: number[];
let state: number;
let seen: number[];
let c: Coalescer;

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
  runs = [];
  seen = [];
  state = 0;
  c = createCoalescer({
    windowMs: W,
    run: () => {
      runs.push(Date.now());
      seen.push(state);
    },
    onError: (err) => {
      throw err;
    },
  });
});
afterEach(() => {
  c.stop();
  jest.useRealTimers();
});

const change = () => {
  state++;
  c.signal();
};

test('an isolated change is sent at once (end of the turn), not after the window', () => {
  change();
  expect(runs).toEqual([]);
  jest.advanceTimersByTime(0);
  expect(runs).toEqual([0]);
  jest.advanceTimersByTime(10 * W);
  expect(runs).toEqual([0]);
});

test('a burst: the leading run carries what arrived in the same turn, one trailing run the rest', () => {
  change();
  change();
  change();
  jest.advanceTimersByTime(0);
  expect(seen).toEqual([3]);
  jest.advanceTimersByTime(10);
  change();
  jest.advanceTimersByTime(10);
  change();
  change();
  expect(runs).toEqual([0]);
  jest.advanceTimersByTime(W);
  expect(runs).toEqual([0, W]);
  expect(seen).toEqual([3, 6]);
  jest.advanceTimersByTime(5 * W);
  expect(runs).toHaveLength(2);
});

test('a change exactly at the end of the window is sent then, once', () => {
  change();
  jest.advanceTimersByTime(0);
  jest.advanceTimersByTime(W);
  change();
  jest.advanceTimersByTime(0);
  expect(runs).toEqual([0, W]);
  expect(seen).toEqual([1, 2]);
  jest.advanceTimersByTime(5 * W);
  expect(runs).toEqual([0, W]);
});

test('a change just before the end of the window waits for it, no longer', () => {
  change();
  jest.advanceTimersByTime(W - 1);
  change();
  jest.advanceTimersByTime(1);
  expect(runs).toEqual([0, W]);
});

test('churn for many windows: at most one run per window, and the last run shows the final state', () => {
  const spanMs = 40 * W;
  for (let t = 0; t < spanMs; t += 5) {
    change();
    jest.advanceTimersByTime(5);
  }
  jest.advanceTimersByTime(2 * W);
  // The leading run at 0, then exactly one at the end of every window, the last at the end of
  // the window in which the final change arrived.
  expect(runs).toEqual(Array.from({ length: spanMs / W + 1 }, (_, i) => i * W));
  expect(seen[seen.length - 1]).toBe(state);
  expect(jest.getTimerCount()).toBe(0);
});

test('an async run slower than the window is never run twice at once, and its trailing run follows', async () => {
  let active = 0;
  let maxActive = 0;
  const slow = createCoalescer({
    windowMs: W,
    run: async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      seen.push(state);
      await new Promise((r) => setTimeout(r, 3 * W));
      active--;
    },
    onError: (err) => {
      throw err;
    },
  });
  state = 1;
  slow.signal();
  await jest.advanceTimersByTimeAsync(0);
  state = 2;
  slow.signal();
  await jest.advanceTimersByTimeAsync(10 * W);
  expect(maxActive).toBe(1);
  expect(seen).toEqual([1, 2]);
  slow.stop();
});

test('a change signalled by the run itself is sent by one more run (window 0: next turn; else at the window end)', () => {
  for (const windowMs of [0, W]) {
    const start = Date.now();
    const at: number[] = [];
    const states: number[] = [];
    let v = 0;
    const self = createCoalescer({
      windowMs,
      run: () => {
        at.push(Date.now() - start);
        states.push(v);
        // The first run causes a change of its own (e.g. a write acknowledged while building).
        if (v++ === 0) self.signal();
      },
      onError: (err) => {
        throw err;
      },
    });
    self.signal();
    jest.advanceTimersByTime(0);
    expect(states).toEqual([0]);
    // The fake clock puts what is scheduled during a tick 1 ms later: that is the next turn.
    jest.advanceTimersByTime(1);
    expect(states).toEqual(windowMs === 0 ? [0, 1] : [0]);
    jest.advanceTimersByTime(10 * W);
    expect(at).toEqual([0, Math.max(1, windowMs)]);
    expect(states).toEqual([0, 1]);
    self.stop();
  }
});

test('window 0: one run per event-loop turn', () => {
  const zero = createCoalescer({ windowMs: 0, run: () => void runs.push(Date.now()), onError: () => {} });
  zero.signal();
  zero.signal();
  jest.advanceTimersByTime(0);
  zero.signal();
  jest.advanceTimersByTime(0);
  expect(runs).toEqual([0, 0]);
  // No window, so no timer: nothing is left scheduled between turns.
  expect(jest.getTimerCount()).toBe(0);
  zero.stop();
});

test('a failing run is reported and later changes still run', () => {
  const errors: unknown[] = [];
  let fail = true;
  const f = createCoalescer({
    windowMs: W,
    run: () => {
      if (fail) throw new Error('broken');
      runs.push(Date.now());
    },
    onError: (err) => errors.push(err),
  });
  f.signal();
  jest.advanceTimersByTime(0);
  fail = false;
  f.signal();
  jest.advanceTimersByTime(W);
  expect(errors).toHaveLength(1);
  expect(runs).toEqual([W]);
  f.stop();
});

test('stop cancels what is pending', () => {
  change();
  c.stop();
  jest.advanceTimersByTime(10 * W);
  change();
  jest.advanceTimersByTime(10 * W);
  expect(runs).toEqual([]);
});

test('stop leaves nothing scheduled: not the run of this turn, not the open window, not a later signal', () => {
  change();
  expect(jest.getTimerCount()).toBe(1);
  c.stop();
  expect(jest.getTimerCount()).toBe(0);
  change();
  expect(jest.getTimerCount()).toBe(0);

  c = createCoalescer({ windowMs: W, run: () => void runs.push(Date.now()), onError: () => {} });
  change();
  jest.advanceTimersByTime(0);
  change();
  // The window of the run at 0 is open, with a change waiting for its end.
  expect(jest.getTimerCount()).toBe(1);
  c.stop();
  expect(jest.getTimerCount()).toBe(0);
  change();
  expect(jest.getTimerCount()).toBe(0);
  jest.advanceTimersByTime(10 * W);
  expect(runs).toEqual([0]);
});
