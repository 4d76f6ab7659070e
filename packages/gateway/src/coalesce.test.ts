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
  expect(runs.length).toBeLessThanOrEqual(spanMs / W + 1);
  expect(runs.length).toBeGreaterThanOrEqual(spanMs / W - 1);
  for (let i = 1; i < runs.length; i++) expect(runs[i]! - runs[i - 1]!).toBeGreaterThanOrEqual(W);
  expect(seen[seen.length - 1]).toBe(state);
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

test('window 0: one run per event-loop turn', () => {
  const zero = createCoalescer({ windowMs: 0, run: () => void runs.push(Date.now()), onError: () => {} });
  zero.signal();
  zero.signal();
  jest.advanceTimersByTime(0);
  zero.signal();
  jest.advanceTimersByTime(0);
  expect(runs).toEqual([0, 0]);
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
