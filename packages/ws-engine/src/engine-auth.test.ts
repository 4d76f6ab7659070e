import { Registry } from 'prom-client';
import type { EndpointAuth } from './endpoint';
import { mountEndpoint, type EndpointHandle } from './engine';
import type { ListenHandle } from '@arcp/service-kit';
import { createUwsApp, listen } from './server';
import { createRecordingLogger } from './testing';
import { echoChannel, testLimits } from './test-support/endpoints';
import { connect, pause, type TestClient } from './test-support/ws-client';

const auth: EndpointAuth = {
  onOpen: (conn) => void conn.send('{"type":"auth_required"}'),
  async onFirstMessage(_conn, text) {
    await pause(text === 'slow' ? 400 : 30);
    if (text === 'explode') throw new Error('verifier bug');
    if (text.startsWith('good:')) return { ok: true, principal: { sub: text.slice(5) } };
    return { ok: false, code: 1008, reason: 'Invalid token', frame: '{"type":"auth_error","message":"Invalid token"}' };
  },
  timeoutCloseCode: 1008,
  timeoutReason: 'Authentication timeout',
  timeoutFrame: '{"type":"auth_error","message":"Authentication timeout"}',
};
const agents = echoChannel('/agents/ws', { name: 'agents', auth, limits: testLimits({ authTimeoutMs: 200 }) });
const registry = new Registry();
const logger = createRecordingLogger();
let handle: EndpointHandle;
let server: ListenHandle;
const clients: TestClient[] = [];

beforeAll(async () => {
  const app = createUwsApp();
  handle = mountEndpoint(app, agents.def, { logger, registry });
  server = await listen(app, '127.0.0.1', 0);
});
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  handle.stop();
  server.close();
  await pause(20);
});

async function open(): Promise<TestClient> {
  const c = await connect(`ws://127.0.0.1:${server.port}/agents/ws`);
  clients.push(c);
  expect(await c.next()).toBe('{"type":"auth_required"}');
  return c;
}

const failures = async (reason: string) => {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`arcp_gateway_auth_failures_total{channel="agents",reason="${reason}"}`));
  return Number(line?.split(' ').pop() ?? 0);
};

test('frames sent while auth runs are held, then handled in order after onOpen', async () => {
  const c = await open();
  c.send('good:a1');
  c.send('ping');
  c.send('{"type":"ping"}');
  c.send('hi');
  expect(await c.next()).toBe('welcome');
  expect(await c.next()).toBe('pong');
  expect(JSON.parse((await c.next()) as string)).toMatchObject({ type: 'pong' });
  expect(await c.next()).toBe('echo:hi');
  expect(agents.rec.opened.at(-1)?.principal).toEqual({ sub: 'a1' });
});

test('before auth a text ping is the auth frame: auth_error then the channel close code', async () => {
  const c = await open();
  c.send('ping');
  expect(await c.next()).toBe('{"type":"auth_error","message":"Invalid token"}');
  expect(await c.closed).toEqual({ code: 1008, reason: 'Invalid token' });
  expect(await failures('invalid_token')).toBe(1);
});

test('no first message before the deadline closes with the timeout code and frame', async () => {
  const c = await open();
  const started = Date.now();
  expect(await c.next()).toBe('{"type":"auth_error","message":"Authentication timeout"}');
  expect(await c.closed).toEqual({ code: 1008, reason: 'Authentication timeout' });
  expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  expect(await failures('timeout')).toBe(1);
});

test('a verification outlasting the deadline is closed by it and its late success ignored', async () => {
  const opensBefore = agents.rec.opened.length;
  const c = await open();
  c.send('slow');
  expect((await c.closed).code).toBe(1008);
  await pause(300);
  expect(agents.rec.opened.length).toBe(opensBefore);
});

test('a throwing verifier closes 1011 and is logged', async () => {
  const c = await open();
  c.send('explode');
  expect((await c.closed).code).toBe(1011);
  expect(logger.lines.some((l) => l.msg === 'auth step failed')).toBe(true);
});

test('revocation closes only the sockets of the revoked principal', async () => {
  const [a, b, pending] = [await open(), await open(), await open()];
  a.send('good:revoked');
  b.send('good:kept');
  expect(await a.next()).toBe('welcome');
  expect(await b.next()).toBe('welcome');
  const bySub = (sub: string) => (conn: { principal: unknown }) => (conn.principal as { sub?: string } | undefined)?.sub === sub;
  const before = handle.count();
  expect(handle.closeWhere(bySub('revoked'), 4009, 'Credential revoked')).toBe(1);
  expect(await a.closed).toEqual({ code: 4009, reason: 'Credential revoked' });
  b.send('still');
  expect(await b.next()).toBe('echo:still');
  expect(pending.idle()).toBe(true);
  expect(handle.count()).toBe(before - 1);
});
