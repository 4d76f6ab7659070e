import { Registry } from 'prom-client';
import { channelCells, socketMetrics } from './socket-metrics';
import { rebaseActivity, UwsConnection, type EndpointShared } from './uws-connection';

const metrics = socketMetrics(new Registry());
const shared = (epoch: number): EndpointShared => ({
  channel: 'public',
  rate: { perSecond: 10, burst: 10 },
  metrics,
  cells: channelCells(metrics, 'public'),
  activityEpoch: epoch,
  outbound: { busy: () => false, inOrder: (_shard, step) => step() },
});

test('idle time is measured from the last touch, in milliseconds', () => {
  const s = shared(1_000_000);
  const conn = new UwsConnection(s, '127.0.0.1', false);
  conn.touch(1_000_500);
  expect(conn.idleFor(1_000_500)).toBe(0);
  expect(conn.idleFor(1_002_000)).toBe(1_500);
});

test('moving the activity origin keeps every idle time, and stamps stay small integers', () => {
  const start = Date.UTC(2026, 0, 1);
  const s = shared(start);
  const a = new UwsConnection(s, '127.0.0.1', true);
  const b = new UwsConnection(s, '127.0.0.2', true);
  a.touch(start + 20 * 86_400_000);
  b.touch(start + 20 * 86_400_000 + 250);
  const now = start + 20 * 86_400_000 + 1_000;
  rebaseActivity(s, [a, b], now - 100);
  expect(s.activityEpoch).toBe(now - 100);
  expect(a.idleFor(now)).toBe(1_000);
  expect(b.idleFor(now)).toBe(750);
  // After the move the stored offsets are small: -900 and -650 ms from the new origin.
  a.touch(now);
  expect(a.idleFor(now + 5)).toBe(5);
});

test('a connection made at upgrade carries its address and auth phase before uWS opens it', () => {
  const conn = new UwsConnection(shared(Date.now()), '10.0.0.7', true);
  expect(conn.remoteAddress).toBe('10.0.0.7');
  expect(conn.phase).toBe('awaiting');
  expect(conn.channel).toBe('public');
  expect(new UwsConnection(shared(Date.now()), '10.0.0.7', false).phase).toBe('ready');
});
