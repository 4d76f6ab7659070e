import http from 'node:http';
import net from 'node:net';
import { Registry } from 'prom-client';
import { waitFor } from '@arcp/testkit';
import type { RouteDef } from '@arcp/service-kit';
import { mountNotFound, mountRoutes } from './http-mount';
import type { ListenHandle } from '@arcp/service-kit';
import { createUwsApp, listen } from './server';
import { createRecordingLogger } from './testing';

const logger = createRecordingLogger();
const registry = new Registry();
let server: ListenHandle;
let base: string;
/** `/slow` says when its handler runs, then answers once the test releases it. */
let slowStarted: () => void = () => undefined;
const slowRunning = new Promise<void>((r) => (slowStarted = r));
let releaseSlow: () => void = () => undefined;
const slowReleased = new Promise<void>((r) => (releaseSlow = r));

const routes: RouteDef[] = [
  {
    method: 'GET',
    pattern: '/agents/:agent_id/things/:thing',
    handler: (req) => ({ status: 200, body: { params: req.params, q: req.query.get('q'), ua: req.headers['x-test'], ip: req.ip } }),
  },
  { method: 'POST', pattern: '/echo', maxBodyBytes: 16, handler: (req) => ({ status: 201, body: req.body.toString() }) },
  { method: 'POST', pattern: '/json', handler: (req) => ({ status: 200, body: JSON.parse(req.body.toString()) as unknown }) },
  {
    method: 'GET',
    pattern: '/typed',
    handler: () => ({ status: 400, headers: { 'Content-Type': 'application/problem+json' }, body: { title: 'x' } }),
  },
  { method: 'GET', pattern: '/boom', handler: () => Promise.reject(new Error('kaput')) },
  {
    method: 'GET',
    pattern: '/slow',
    handler: async () => {
      slowStarted();
      await slowReleased;
      return { status: 200, body: 'late' };
    },
  },
];

beforeAll(async () => {
  const app = createUwsApp();
  mountRoutes(app, routes, { service: 'test', registry, logger });
  mountRoutes(app, [{ method: 'DELETE', pattern: '/echo', handler: () => ({ status: 204 }) }], { service: 'other', registry, logger });
  mountRoutes(app, [{ method: 'GET', pattern: '/limited', handler: () => ({ status: 200, body: 'ok' }) }], {
    service: 'limited',
    registry,
    logger,
    rateLimit: { burst: 2, perSecond: 0.5 },
  });
  mountNotFound(app, { service: 'test', registry, logger });
  server = await listen(app, '127.0.0.1', 0);
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const H = { connection: 'close' };

function rawPost(path: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: 'POST', headers: H }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test('params are decoded, query, lower-cased headers and the peer ip reach the handler', async () => {
  const res = await fetch(`${base}/agents/a%20b/things/t1?q=42`, { headers: { ...H, 'X-Test': 'yes' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(await res.json()).toEqual({ params: { agent_id: 'a b', thing: 't1' }, q: '42', ua: 'yes', ip: '127.0.0.1' });
});

test('string bodies are sent as is; JSON bodies round-trip', async () => {
  const echo = await fetch(`${base}/echo`, { method: 'POST', body: 'hello', headers: H });
  expect([echo.status, await echo.text()]).toEqual([201, 'hello']);
  const json = await fetch(`${base}/json`, { method: 'POST', body: '{"a":[1,2]}', headers: H });
  expect(await json.json()).toEqual({ a: [1, 2] });
});

test('a content-type set by the handler wins', async () => {
  const res = await fetch(`${base}/typed`, { headers: H });
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
});

test('a declared body over the limit is 413 without running the handler', async () => {
  const res = await fetch(`${base}/echo`, { method: 'POST', body: 'x'.repeat(17), headers: H });
  expect(res.status).toBe(413);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(await res.json()).toMatchObject({ status: 413, title: 'Request Too Large', instance: '/echo' });
});

test('a chunked body growing past the limit is 413', async () => {
  const res = await rawPost('/echo', ['x'.repeat(10), 'y'.repeat(10)]);
  expect(res.status).toBe(413);
  expect(JSON.parse(res.body)).toMatchObject({ status: 413 });
});

test('handler exceptions become a logged 500 problem', async () => {
  const res = await fetch(`${base}/boom`, { headers: H });
  expect(res.status).toBe(500);
  expect(await res.json()).toMatchObject({ status: 500, detail: 'An unexpected error occurred', instance: '/boom' });
  expect(logger.lines.some((l) => l.level === 'error' && l.msg === 'HTTP handler failed')).toBe(true);
});

test('unknown paths are 404; a known path with another method is 405 with Allow; both counted as unmatched', async () => {
  const missing = await fetch(`${base}/nope`, { headers: H });
  expect(missing.status).toBe(404);
  expect(await missing.json()).toMatchObject({ status: 404, instance: '/nope' });
  const wrong = await fetch(`${base}/echo`, { method: 'PUT', headers: H });
  expect(wrong.status).toBe(405);
  expect(wrong.headers.get('allow')).toBe('POST, DELETE');
  expect(wrong.headers.get('content-type')).toBe('application/problem+json');
  expect(await wrong.json()).toMatchObject({ status: 405, title: 'Method Not Allowed', instance: '/echo' });
  const templated = await fetch(`${base}/agents/a1/things/t1`, { method: 'POST', headers: H });
  expect([templated.status, templated.headers.get('allow')]).toEqual([405, 'GET']);
  await templated.text();
  const other = await fetch(`${base}/echo`, { method: 'DELETE', headers: H });
  expect(other.status).toBe(204);
  const text = await registry.metrics();
  expect(text).toMatch(/arcp_http_requests_total\{service="test",route="unmatched",method="GET",status_code="404"\} [1-9]/);
  expect(text).toMatch(/arcp_http_requests_total\{service="test",route="unmatched",method="PUT",status_code="405"\} [1-9]/);
});

describe('request ids', () => {
  it('echoes a valid X-Request-Id in the header, the problem body and the access line', async () => {
    logger.lines.length = 0;
    const res = await fetch(`${base}/echo`, { method: 'POST', body: 'x'.repeat(17), headers: { ...H, 'X-Request-Id': 'trace-42 abc' } });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-request-id')).toBe('trace-42 abc');
    expect(await res.json()).toMatchObject({ status: 413, request_id: 'trace-42 abc' });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        msg: 'HTTP request',
        obj: expect.objectContaining({ request_id: 'trace-42 abc', route: '/echo', status: 413, client_ip: '127.0.0.1' }),
      }),
    );
  });

  it('generates one when absent, too long or not printable, also on 404, 405 and 500', async () => {
    const ids: string[] = [];
    for (const [path, id] of [
      ['/agents/a/things/b', undefined],
      ['/nope', 'x'.repeat(129)],
      ['/echo', 'bad\u00e9id'],
      ['/boom', ''],
    ] as const) {
      const headers: Record<string, string> = { ...H };
      if (id !== undefined) headers['x-request-id'] = id;
      const res = await fetch(`${base}${path}`, { headers });
      const got = res.headers.get('x-request-id') ?? '';
      expect(got).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      if (res.status >= 400) expect(((await res.json()) as { request_id: string }).request_id).toBe(got);
      else await res.text();
      ids.push(got);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ msg: 'HTTP handler failed', obj: expect.objectContaining({ request_id: ids[3] }) }),
    );
  });

  it('keeps the largest valid id, 128 characters', async () => {
    const id = 'a'.repeat(128);
    const res = await fetch(`${base}/nope`, { headers: { ...H, 'x-request-id': id } });
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(((await res.json()) as { request_id: string }).request_id).toBe(id);
  });
});

test('an aborted request never gets written to and the server keeps serving', async () => {
  const client = net.connect(server.port, '127.0.0.1');
  client.write('GET /slow HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n');
  await slowRunning;
  client.destroy();
  // A request sent after the abort is answered: the server's loop has seen the abort by then.
  const res = await fetch(`${base}/agents/x/things/y`, { headers: H });
  expect(res.status).toBe(200);
  releaseSlow();
  // Counted as 499 (an attempt to write to the aborted response would fail and count 500).
  await waitFor(async () => (await registry.metrics()).includes('route="/slow",method="GET",status_code="499"'), {
    what: 'the aborted request counted',
  });
  expect(await registry.metrics()).not.toContain('route="/slow",method="GET",status_code="500"');
});

test('metrics use the route template and status', async () => {
  const text = await registry.metrics();
  expect(text).toMatch(
    /arcp_http_requests_total\{service="test",route="\/agents\/:agent_id\/things\/:thing",method="GET",status_code="200"\} \d/,
  );
  expect(text).toContain('route="/boom",method="GET",status_code="500"');
  expect(text).toContain('route="/slow",method="GET",status_code="499"');
  expect(text).toContain('arcp_http_request_duration_seconds_bucket{le="0.001",service="test"');
});

describe('per-client rate limit', () => {
  it('answers 429 problem+json with Retry-After once the client exceeds its rate, without running the handler', async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${base}/limited`, { headers: H });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
      else await res.text();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(refused?.headers.get('retry-after')).toBe('2');
    expect(refused?.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused?.json()).toMatchObject({ status: 429, detail: 'Too many requests from this client, slow down' });
    // Routes mounted without a limit are unaffected.
    expect((await fetch(`${base}/agents/a/things/b`, { headers: H })).status).toBe(200);
  });
});
