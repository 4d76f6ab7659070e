import { Registry } from 'prom-client';
import { mountEndpoint, type EndpointHandle } from './engine';
import type { ListenHandle } from '@arcp/service-kit';
import { createUwsApp, listen } from './server';
import { createRecordingLogger } from './testing';
import { echoChannel, testLimits } from './test-support/endpoints';
import { waitFor } from '@arcp/testkit';
import { closeAll, connect, refusedUpgrade, type TestClient } from './test-support/ws-client';

const logger = createRecordingLogger();
const registry = new Registry();
const app = createUwsApp();
const main = echoChannel('/main');
const exact = echoChannel('/exact', { name: 'dashboard', textPing: 'exact', jsonPing: false }, 'other/topic');
const capped = echoChannel('/capped', { name: 'agents', limits: testLimits({ maxConnections: 2 }) }, 'other/topic');
const limited = echoChannel('/limited', { limits: testLimits({ messageRate: { burst: 3, perSecond: 1 } }) }, 'other/topic');
const idle = echoChannel('/idle', { limits: testLimits({ idlePingMs: 120 }) }, 'other/topic');
const mainRegistry = new Registry();
let handle: EndpointHandle;
const handles: EndpointHandle[] = [];
let server: ListenHandle;
const clients: TestClient[] = [];

beforeAll(async () => {
  handle = mountEndpoint(app, main.def, { logger, registry: mainRegistry });
  handles.push(handle);
  handles.push(mountEndpoint(app, exact.def, { logger, registry }));
  handles.push(mountEndpoint(app, capped.def, { logger, registry, retryAfterS: 7 }));
  handles.push(mountEndpoint(app, limited.def, { logger, registry }));
  handles.push(mountEndpoint(app, idle.def, { logger, registry }));
  server = await listen(app, '127.0.0.1', 0);
});
afterAll(async () => {
  await closeAll(clients, handles);
  for (const h of handles) h.stop();
  server.close();
});

async function open(path: string, greet = true): Promise<TestClient> {
  const c = await connect(`ws://127.0.0.1:${server.port}${path}`);
  clients.push(c);
  if (greet) expect(await c.next()).toBe('welcome');
  return c;
}

const metric = async (reg: Registry, name: string, labels: string) => {
  const line = (await reg.metrics()).split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
};

test('trim-lower text ping, ignored pong, JSON ping with an epoch timestamp', async () => {
  const c = await open('/main');
  c.send('  PiNg ');
  expect(await c.next()).toBe('pong');
  c.send('pong');
  c.send('{"type":"pong"}');
  c.send('{"type":"ping"}');
  const pong = JSON.parse((await c.next()) as string) as { type: string; timestamp: number };
  expect(pong.type).toBe('pong');
  expect(Math.abs(pong.timestamp - Date.now() / 1000)).toBeLessThan(5);
  c.send('hello');
  expect(await c.next()).toBe('echo:hello');
});

test('exact text ping answers only "ping"; JSON ping off passes frames through', async () => {
  const c = await open('/exact');
  c.send(' ping');
  expect(await c.next()).toBe('echo: ping');
  c.send('ping');
  expect(await c.next()).toBe('pong');
  c.send('{"type":"ping"}');
  expect(await c.next()).toBe('echo:{"type":"ping"}');
});

test('a throwing handler is logged and the socket stays open', async () => {
  const c = await open('/main');
  c.send('throw');
  c.send('after');
  expect(await c.next()).toBe('echo:after');
  expect(logger.lines.some((l) => l.msg === 'channel handler failed')).toBe(true);
});

test('binary frames get an error frame and close 1003', async () => {
  const c = await open('/main');
  c.send(Buffer.from([1, 2, 3]));
  expect(JSON.parse((await c.next()) as string)).toEqual({ type: 'error', message: 'Binary frames are not supported' });
  expect((await c.closed).code).toBe(1003);
  expect(await metric(mainRegistry, 'arcp_gateway_drops_total', 'channel="public",reason="bad_frame"')).toBe(1);
});

test('a frame over the channel limit closes 1009; one over the transport limit is dropped; both counted', async () => {
  const c = await open('/main');
  c.send('x'.repeat(1025));
  expect(await c.closed).toEqual({ code: 1009, reason: 'Message too big' });
  const gross = await open('/main');
  gross.send('x'.repeat(4096));
  expect((await gross.closed).code).toBe(1006);
  // The client may see its socket dropped before the engine has counted the drop.
  await waitFor(async () => (await metric(mainRegistry, 'arcp_gateway_drops_total', 'channel="public",reason="payload"')) >= 2, {
    what: 'both drops counted',
  });
  expect(await metric(mainRegistry, 'arcp_gateway_drops_total', 'channel="public",reason="payload"')).toBe(2);
  expect(await metric(mainRegistry, 'arcp_gateway_connections_closed_total', 'channel="public",code="1009"')).toBe(1);
});

test('over the cap the upgrade is refused with 503 and Retry-After', async () => {
  await open('/capped');
  await open('/capped');
  const refused = await refusedUpgrade(`ws://127.0.0.1:${server.port}/capped`);
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toBe('7');
  expect(JSON.parse(refused.body)).toMatchObject({ status: 503, instance: '/capped' });
  expect(await metric(registry, 'arcp_gateway_connections_rejected_total', 'channel="agents",reason="cap"')).toBe(1);
});

test('a flood gets one warning frame, then close 4008; other sockets are unaffected', async () => {
  const flooder = await open('/limited');
  const calm = await open('/limited');
  for (let i = 0; i < 5; i++) flooder.send(`m${i}`);
  expect(await flooder.next()).toBe('echo:m0');
  expect(await flooder.next()).toBe('echo:m1');
  expect(await flooder.next()).toBe('echo:m2');
  expect(JSON.parse((await flooder.next()) as string)).toMatchObject({ type: 'error' });
  expect((await flooder.closed).code).toBe(4008);
  calm.send('still here');
  expect(await calm.next()).toBe('echo:still here');
  expect(await metric(registry, 'arcp_gateway_drops_total', 'channel="public",reason="rate_limit"')).toBe(2);
});

test('publish hands one buffer to every subscriber of the topic and counts each delivery', async () => {
  const subs = [await open('/main'), await open('/main'), await open('/main')];
  const other = await open('/exact');
  const sent = () => metric(mainRegistry, 'arcp_gateway_messages_sent_total', 'channel="public",type="agents_update"');
  const before = await sent();
  const frame = Buffer.from(JSON.stringify({ type: 'agents_update', n: 1 }));
  // Every open /main socket subscribed at open; the /exact socket is on another topic.
  const openCount = handle.count();
  expect(openCount).toBeGreaterThanOrEqual(subs.length);
  expect(handle.publish('test/topic', frame, 'agents_update')).toBe(openCount);
  for (const s of subs) expect(await s.next()).toBe(frame.toString());
  expect((await sent()) - before).toBe(openCount);
  other.send('x');
  expect(await other.next()).toBe('echo:x');
  expect(handle.publish('nobody/listens', frame, 'agents_update')).toBe(0);
});

test('closeWhere closes only the matching sockets', async () => {
  const a = await open('/main');
  const b = await open('/main');
  const target = main.rec.opened[main.rec.opened.length - 2]!;
  expect(handle.closeWhere((conn) => conn.id === target.id, 4009, 'Credential revoked')).toBe(1);
  expect(await a.closed).toEqual({ code: 4009, reason: 'Credential revoked' });
  b.send('ok?');
  expect(await b.next()).toBe('echo:ok?');
  expect(main.rec.closed.some((r) => r.conn.id === target.id && r.code === 4009)).toBe(true);
});

test('gauges follow opens and closes; metrics from several channels share one registry', async () => {
  const text = await registry.metrics();
  expect(text).toContain('arcp_gateway_connections{channel="agents"} 2');
  expect(text).toContain('arcp_gateway_connections_opened_total{channel="dashboard"}');
  expect(await metric(mainRegistry, 'arcp_gateway_connections', 'channel="public"')).toBe(handle.count());
});

test('a socket silent for idlePingMs gets a text ping (who is pinged when: idle-ping.test.ts)', async () => {
  const silent = await open('/idle');
  expect(await silent.next(5000)).toBe('ping');
});
