import { Registry } from 'prom-client';
import type { EndpointAuth } from './endpoint';
import { mountEndpoint, type EndpointHandle } from './engine';
import type { ListenHandle } from '@arcp/service-kit';
import { createUwsApp, listen } from './server';
import { createRecordingLogger } from './testing';
import { echoChannel, testLimits } from './test-support/endpoints';
import { waitFor } from '@arcp/testkit';
import { closeAll, connect, refusedUpgrade, type TestClient } from './test-support/ws-client';

/** Verifications of `slow:<frame>` wait until the test calls `releaseSlow`, then verify `<frame>`. */
let releaseSlow: () => void = () => undefined;
let slowGate: Promise<void> = Promise.resolve();
function armSlow(): void {
  slowGate = new Promise<void>((r) => (releaseSlow = r));
}

const auth: EndpointAuth = {
  onOpen: (conn) => void conn.send('{"type":"auth_required"}'),
  async onFirstMessage(_conn, frame) {
    let text = frame;
    if (text.startsWith('slow:')) {
      await slowGate;
      text = text.slice(5);
    }
    if (text === 'explode') throw new Error('verifier bug');
    if (text.startsWith('good:')) return { ok: true, principal: { sub: text.slice(5) } };
    // `expires:<ms>`: a token whose exp is <ms> from now (negative: already past).
    if (text.startsWith('expires:')) return { ok: true, principal: { sub: 'short' }, expiresAtMs: Date.now() + Number(text.slice(8)) };
    return { ok: false, code: 1008, reason: 'Invalid token', frame: '{"type":"auth_error","message":"Invalid token"}' };
  },
  timeoutCloseCode: 1008,
  timeoutReason: 'Authentication timeout',
  timeoutFrame: '{"type":"auth_error","message":"Authentication timeout"}',
};
const agents = echoChannel('/agents/ws', { name: 'agents', auth, limits: testLimits({ authTimeoutMs: 1500 }) });
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
  await closeAll(clients, [handle]);
  handle.stop();
  server.close();
});

async function open(): Promise<TestClient> {
  const c = await connect(`ws://127.0.0.1:${server.port}/agents/ws`);
  clients.push(c);
  expect(await c.next()).toBe('{"type":"auth_required"}');
  return c;
}

const failures = async (reason: string) => {
  const line = (await registry.metrics())
    .split('\n')
    .find((l) => l.startsWith(`arcp_gateway_auth_failures_total{channel="agents",reason="${reason}"}`));
  return Number(line?.split(' ').pop() ?? 0);
};

/** A metric of the agents channel (0 when not yet reported). */
const channelMetric = async (name: string) => {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name}{channel="agents"}`));
  return Number(line?.split(' ').pop() ?? 0);
};

test('frames sent while auth runs are held, then handled in order after onOpen', async () => {
  armSlow();
  const c = await open();
  const before = await channelMetric('arcp_gateway_received_bytes_total');
  const frames = ['slow:good:a1', 'ping', '{"type":"ping"}', 'hi'];
  for (const f of frames) c.send(f);
  // Every frame has reached the engine while the verifier still holds the first one.
  await waitFor(async () => (await channelMetric('arcp_gateway_received_bytes_total')) === before + frames.join('').length, {
    what: 'the frames to reach the engine',
  });
  expect(c.idle()).toBe(true);
  releaseSlow();
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
  expect(await c.next(5000)).toBe('{"type":"auth_error","message":"Authentication timeout"}');
  expect(await c.closed).toEqual({ code: 1008, reason: 'Authentication timeout' });
  // Not before the deadline (1.5 s; the margin covers auth_required reaching us late).
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(await failures('timeout')).toBe(1);
});

test('a verification outlasting the deadline is closed by it and its late success ignored', async () => {
  const opensBefore = agents.rec.opened.length;
  const signedInBefore = handle.counts().authenticated;
  armSlow();
  const c = await open();
  c.send('slow:good:late');
  expect(await c.closed).toEqual({ code: 1008, reason: 'Authentication timeout' });
  releaseSlow();
  // A turn of the event loop: the verifier has answered "ok" and the engine has acted on it.
  await new Promise((r) => setImmediate(r));
  expect(agents.rec.opened.length).toBe(opensBefore);
  expect(handle.counts().authenticated).toBe(signedInBefore);
  expect(await channelMetric('arcp_gateway_connections')).toBe(signedInBefore);
});

test('a throwing verifier closes 1011 and is logged', async () => {
  const c = await open();
  c.send('explode');
  expect((await c.closed).code).toBe(1011);
  expect(logger.lines.some((l) => l.msg === 'auth step failed')).toBe(true);
});

test('an authenticated socket is closed 4202 when its token expires, and counted', async () => {
  const c = await open();
  c.send('expires:300');
  expect(await c.next()).toBe('welcome');
  c.send('alive?');
  expect(await c.next()).toBe('echo:alive?');
  expect(await c.closed).toEqual({ code: 4202, reason: 'Token expired, reconnect with a fresh token' });
  expect(await registry.metrics()).toMatch(/arcp_gateway_connections_closed_total\{channel="agents",code="4202"\} 1/);
});

test('a token already past its exp when verified is closed 4202 before the channel opens it', async () => {
  const opensBefore = agents.rec.opened.length;
  const c = await open();
  c.send('expires:-1');
  expect(await c.closed).toEqual({ code: 4202, reason: 'Token expired, reconnect with a fresh token' });
  expect(c.idle()).toBe(true);
  expect(agents.rec.opened.length).toBe(opensBefore);
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

describe('anonymous sockets never lock out signed-in users', () => {
  const gated = echoChannel('/gated/ws', {
    name: 'dashboard',
    auth,
    limits: testLimits({ maxConnections: 2, maxPending: 3, maxPerAddress: 2, authTimeoutMs: 5000 }),
  });
  let gatedHandle: EndpointHandle;
  let gatedServer: ListenHandle;
  const gatedRegistry = new Registry();
  const url = () => `ws://127.0.0.1:${gatedServer.port}/gated/ws`;
  const opened: TestClient[] = [];
  const openFrom = async (localAddress: string) => {
    const c = await connect(url(), { localAddress });
    opened.push(c);
    await c.next();
    return c;
  };
  const rejected = async (reason: string) => {
    const line = (await gatedRegistry.metrics())
      .split('\n')
      .find((l) => l.startsWith(`arcp_gateway_connections_rejected_total{channel="dashboard",reason="${reason}"}`));
    return Number(line?.split(' ').pop() ?? 0);
  };

  beforeAll(async () => {
    const app = createUwsApp();
    gatedHandle = mountEndpoint(app, gated.def, { logger, registry: gatedRegistry });
    gatedServer = await listen(app, '127.0.0.1', 0);
  });
  afterAll(async () => {
    await closeAll(opened, [gatedHandle]);
    gatedHandle.stop();
    gatedServer.close();
  });

  test('silent sockets from one address are capped there; another client still signs in; the cap counts only signed-in sockets', async () => {
    await openFrom('127.0.0.2');
    await openFrom('127.0.0.2');
    expect((await refusedUpgrade(url(), { localAddress: '127.0.0.2' })).status).toBe(429);
    expect(await rejected('per_address')).toBe(1);

    const operator = await openFrom('127.0.0.3');
    operator.send('good:op1');
    expect(await operator.next()).toBe('welcome');
    const second = await openFrom('127.0.0.4');
    second.send('good:op2');
    expect(await second.next()).toBe('welcome');
    expect(gatedHandle.counts()).toEqual({ authenticated: 2, pending: 2 });

    // Two signed in: the cap is reached, whatever the silent sockets do.
    const refused = await refusedUpgrade(url(), { localAddress: '127.0.0.5' });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(await rejected('cap')).toBe(1);
  });

  test('a pending socket that authenticates once the cap is reached is closed 1013', async () => {
    await closeAll(opened.splice(0), [gatedHandle]);
    const late = await openFrom('127.0.0.6');
    const a = await openFrom('127.0.0.7');
    const b = await openFrom('127.0.0.8');
    a.send('good:a');
    b.send('good:b');
    await a.next();
    await b.next();
    late.send('good:late');
    expect(await late.closed).toEqual({ code: 1013, reason: 'Connection limit reached, retry later' });
  });

  test('the pending budget is its own: full of silent sockets it refuses new ones with 503', async () => {
    await closeAll(opened.splice(0), [gatedHandle]);
    await openFrom('127.0.0.9');
    await openFrom('127.0.0.10');
    await openFrom('127.0.0.11');
    const refused = await refusedUpgrade(url(), { localAddress: '127.0.0.12' });
    expect(refused.status).toBe(503);
    expect(refused.body).toContain('waiting to authenticate');
    expect(await rejected('pending')).toBe(1);
  });
});
