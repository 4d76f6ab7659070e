/**
 * The slow-consumer grace rule on a fake clock: a socket is closed only when it is still over the
 * limit a whole check period after a sweep first saw it over; a buffer that drains in between
 * starts the period again.
 */
import { startSlowConsumerSweep, type Sweep } from './slow-consumers';
import type { UwsConnection } from './uws-connection';

interface FakeConn {
  isOpen: boolean;
  buffered: number;
  bufferedAmount(): number;
}

const LIMIT = 1000;
const PERIOD = 100;

function conn(buffered: number): FakeConn {
  const c: FakeConn = { isOpen: true, buffered, bufferedAmount: () => c.buffered };
  return c;
}

let sweep: Sweep | undefined;
beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  sweep?.stop();
  jest.useRealTimers();
});

let backlogged: number[] = [];
let overLimit = new Set<UwsConnection>();
function start(conns: FakeConn[]): UwsConnection[] {
  const slow: UwsConnection[] = [];
  backlogged = [];
  overLimit = new Set();
  sweep = startSlowConsumerSweep(new Set(conns as unknown as UwsConnection[]), {
    limitBytes: LIMIT,
    periodMs: PERIOD,
    overLimit,
    onSlow: (c) => slow.push(c),
    onChecked: (n) => backlogged.push(n),
  });
  return slow;
}

test('the first over-limit check only starts the grace period; the next one closes', () => {
  const c = conn(LIMIT);
  const slow = start([c]);
  jest.advanceTimersByTime(PERIOD);
  expect(slow).toEqual([]);
  expect([...overLimit]).toEqual([c]);
  jest.advanceTimersByTime(PERIOD - 1);
  expect(slow).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(slow).toEqual([c]);
  // Each check reports the sockets left open over the limit (the closed one is not among them).
  expect(backlogged).toEqual([1, 0]);
});

test('a buffer that drains below the limit between checks restarts the grace period', () => {
  const c = conn(LIMIT + 1);
  const slow = start([c]);
  jest.advanceTimersByTime(PERIOD);
  c.buffered = LIMIT - 1;
  jest.advanceTimersByTime(PERIOD);
  expect(overLimit.size).toBe(0);
  c.buffered = LIMIT * 10;
  jest.advanceTimersByTime(PERIOD);
  expect(slow).toEqual([]);
  jest.advanceTimersByTime(PERIOD);
  expect(slow).toEqual([c]);
  expect(backlogged).toEqual([1, 0, 1, 0]);
});

test('sockets under the limit and closed sockets are never reported', () => {
  const under = conn(LIMIT - 1);
  const closed = Object.assign(conn(LIMIT * 2), { isOpen: false });
  const slow = start([under, closed]);
  jest.advanceTimersByTime(PERIOD * 5);
  expect(slow).toEqual([]);
  expect(overLimit.has(closed as unknown as UwsConnection)).toBe(false);
});

test('stop ends the sweep', () => {
  const c = conn(LIMIT);
  const slow = start([c]);
  jest.advanceTimersByTime(PERIOD);
  sweep!.stop();
  jest.advanceTimersByTime(PERIOD * 5);
  expect(slow).toEqual([]);
});
