/**
 * Draining in bounded batches on a fake clock: `batchSize` sockets close at once, the next batch
 * only `intervalMs` later, every one with the reconnect code.
 */
import { drainInBatches } from './drain';
import type { Connection } from './connection';

interface FakeConn {
  isOpen: boolean;
  closed?: { code: number; reason: string; at: number };
  close(code: number, reason: string): void;
}

function conns(n: number): FakeConn[] {
  return Array.from({ length: n }, () => {
    const c: FakeConn = { isOpen: true, close: (code, reason) => ((c.isOpen = false), (c.closed = { code, reason, at: Date.now() })) };
    return c;
  });
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('closes batchSize sockets per batch, intervalMs apart, with 4200', async () => {
  const open = conns(5);
  const t0 = Date.now();
  const done = drainInBatches(new Set(open as unknown as Connection[]), { batchSize: 2, intervalMs: 60 });
  expect(open.filter((c) => !c.isOpen)).toHaveLength(2);
  await jest.advanceTimersByTimeAsync(59);
  expect(open.filter((c) => !c.isOpen)).toHaveLength(2);
  await jest.advanceTimersByTimeAsync(1);
  expect(open.filter((c) => !c.isOpen)).toHaveLength(4);
  await jest.advanceTimersByTimeAsync(60);
  await done;
  expect(open.map((c) => c.closed!.at - t0)).toEqual([0, 0, 60, 60, 120]);
  expect(new Set(open.map((c) => `${c.closed!.code} ${c.closed!.reason}`))).toEqual(new Set(['4200 Server restarting, reconnect']));
});

test('resolves at once when nothing is open, and without a pause after the last batch', async () => {
  await drainInBatches(new Set());
  const two = conns(2);
  await drainInBatches(new Set(two as unknown as Connection[]), { batchSize: 2, intervalMs: 1000 });
  expect(two.every((c) => !c.isOpen)).toBe(true);
});
