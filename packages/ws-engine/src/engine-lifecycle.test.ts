import type { Socket } from 'node:net';
import { Registry } from 'prom-client';
import { createMemoryBus } from '@arcp/service-kit';
import { mountEndpoint, type EndpointHandle } from './engine';
import type { ListenHandle } from '@arcp/service-kit';
import { createUwsApp, listen } from './server';
import { createRecordingLogger } from './testing';
import { echoChannel, testLimits } from './test-support/endpoints';
import { waitFor } from '@arcp/testkit';
import { closeAll, connect, refusedUpgrade, type TestClient } from './test-support/ws-client';

const registry = new Registry();
const logger = createRecordingLogger();
const bus = createMemoryBus();
const drained = echoChannel('/drain');
const slow = echoChannel(
  '/slow',
  { name: 'dashboard', limits: testLimits({ maxBackpressureBytes: 64 * 1024, slowConsumerGraceMs: 50 }) },
  'slow/topic',
);
const relayed = echoChannel('/relay', { name: 'relay', limits: testLimits({ relayTurnDeliveries: 2, relayMaxPending: 3 }) }, 'relay/topic');
/**
 * Sockets subscribe on `watch`. On `join`, queues three frames (one deliverable within the turn's budget of 1), then sends the
 * socket its snapshot and subscribes it, then queues one more; on `bye`, sends a last frame and closes.
 */
const ordered = echoChannel('/ordered', { name: 'ordered', limits: testLimits({ relayTurnDeliveries: 1 }) }, 'ordered/topic');
ordered.def.onOpen = (conn) => void conn.send('welcome');
ordered.def.onMessage = (conn, text) => {
  const handle = handles[3]!;
  if (text === 'watch') conn.subscribe('ordered/topic');
  if (text === 'join') {
    for (const n of [1, 2, 3]) handle.relay('ordered/topic', `old-${n}`, 'stats_update');
    conn.send('snapshot');
    conn.subscribe('ordered/topic');
    handle.publish('ordered/topic', 'new', 'stats_update');
  } else if (text === 'bye') {
    for (const n of [1, 2]) handle.relay('ordered/topic', `last-${n}`, 'stats_update');
    conn.send('goodbye');
    conn.close(4000, 'bye');
  }
};
const handles: EndpointHandle[] = [];
let server: ListenHandle;
const clients: TestClient[] = [];

beforeAll(async () => {
  const app = createUwsApp();
  handles.push(mountEndpoint(app, drained.def, { logger, registry, bus }));
  handles.push(mountEndpoint(app, slow.def, { logger, registry }));
  handles.push(mountEndpoint(app, relayed.def, { logger, registry }));
  handles.push(mountEndpoint(app, ordered.def, { logger, registry }));
  server = await listen(app, '127.0.0.1', 0);
});
afterAll(async () => {
  await closeAll(clients, handles);
  for (const h of handles) h.stop();
  server.close();
  await bus.close();
});

async function open(path: string): Promise<TestClient> {
  const c = await connect(`ws://127.0.0.1:${server.port}${path}`);
  clients.push(c);
  expect(await c.next()).toBe('welcome');
  return c;
}

test('forward relays a bus subject to the topic subscribers unchanged', async () => {
  const c = await open('/drain');
  handles[0]!.forward('t.frames', 'test/topic', 'stats_update');
  bus.publish('t.frames', Buffer.from('{"type":"stats_update"}'));
  expect(await c.next()).toBe('{"type":"stats_update"}');
  c.ws.terminate();
});

test('relayed frames: within a turn at once, past it in order in later turns, the oldest waiting ones dropped and counted', async () => {
  const c = await open('/relay');
  const handle = handles[2]!;
  const count = async () =>
    Number(/arcp_gateway_drops_total\{channel="relay",reason="overload"\} (\d+)/.exec(await registry.metrics())?.[1] ?? 0);
  const before = await count();
  // Budget 2 deliveries per turn, 3 frames may wait: 0 and 1 go at once, 2 and 3 are dropped.
  for (let i = 0; i < 7; i++) handle.relay('relay/topic', `{"n":${i}}`, 'stats_update');
  expect(await count()).toBe(before + 2);
  for (const n of [0, 1, 4, 5, 6]) expect(await c.next()).toBe(`{"n":${n}}`);
  c.ws.terminate();
});

test("while frames wait, a socket's own steps wait behind them: it gets no frame older than its snapshot", async () => {
  // `watcher` is subscribed from the start; `joiner` subscribes while old frames wait for a turn.
  const watcher = await open('/ordered');
  watcher.send('watch');
  const joiner = await open('/ordered');
  joiner.send('join');
  for (const frame of ['old-1', 'old-2', 'old-3', 'new']) expect(await watcher.next()).toBe(frame);
  expect(await joiner.next()).toBe('snapshot');
  expect(await joiner.next()).toBe('new');
  // A close asked for behind waiting frames comes after them and after the socket's last send.
  joiner.send('bye');
  for (const frame of ['last-1', 'last-2']) expect(await watcher.next()).toBe(frame);
  expect(await joiner.next()).toBe('last-1');
  expect(await joiner.next()).toBe('last-2');
  expect(await joiner.next()).toBe('goodbye');
  expect((await joiner.closed).code).toBe(4000);
  watcher.ws.terminate();
});

test('a socket whose send buffer stays over the limit is closed 4201 and counted', async () => {
  const stalled = await open('/slow');
  const healthy = await open('/slow');
  (stalled.ws as unknown as { _socket: Socket })._socket.pause();
  const frame = Buffer.alloc(32 * 1024, 'x');
  const slowHandle = handles[1]!;
  // Fill the kernel buffers of the stalled socket; uWS then queues up to maxBackpressure and skips
  // it. Bursts of publishes, with the loop free in between to flush the healthy socket and sweep.
  const skipped = async () =>
    Number(/arcp_gateway_drops_total\{channel="dashboard",reason="skipped"\} (\d+)/.exec(await registry.metrics())?.[1] ?? 0);
  await waitFor(
    async () => {
      for (let i = 0; i < 50; i++) expect(slowHandle.publish('slow/topic', frame, 'monitoring')).toBe(2);
      return (await skipped()) > 0;
    },
    { what: 'a publish that skips the stalled socket', intervalMs: 5, timeoutMs: 10_000 },
  );
  // Once the sweep has seen the stalled socket over the limit, publishes reach the healthy one
  // only, and the frames skipped for the stalled one are counted as dropped.
  await waitFor(() => slow.rec.closed.length > 0, { what: 'the stalled socket closed', timeoutMs: 5000 });
  expect(slow.rec.closed.map((r) => r.code)).toEqual([4201]);
  expect(slow.rec.closed[0]!.conn.bufferedAmount()).toBe(0);
  const text = await registry.metrics();
  expect(text).toMatch(/arcp_gateway_drops_total\{channel="dashboard",reason="backpressure"\} [1-9]/);
  expect(text).toMatch(/arcp_gateway_drops_total\{channel="dashboard",reason="skipped"\} [1-9]/);
  healthy.send('alive?');
  let reply: string | Buffer;
  do reply = await healthy.next();
  while (reply !== 'echo:alive?');
  (stalled.ws as unknown as { _socket: Socket })._socket.resume();
  // The close frame only reaches the client if it fits behind the full buffer; else it sees 1006.
  expect([4201, 1006]).toContain((await stalled.closed).code);
}, 15000);

test('drain refuses upgrades and closes sockets with 4200 in bounded batches', async () => {
  const socks = await Promise.all([1, 2, 3, 4, 5].map(() => open('/drain')));
  const codes = socks.map((s) => s.closed.then((c) => c.code));
  const handle = handles[0]!;
  const done = handle.drain({ batchSize: 2, intervalMs: 60 });
  expect(handle.draining).toBe(true);
  const refused = await refusedUpgrade(`ws://127.0.0.1:${server.port}/drain`);
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toBe('5');
  await done;
  expect(await Promise.all(codes)).toEqual([4200, 4200, 4200, 4200, 4200]);
  expect(handle.count()).toBe(0);
  // The batches and the pauses between them: drain.test.ts (fake clock).
  expect(await registry.metrics()).toMatch(/arcp_gateway_connections_rejected_total\{channel="public",reason="draining"\} 1/);
});
