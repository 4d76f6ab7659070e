import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { createMetricsRegistry } from './metrics';
import { type OpsServer, type Readiness, startOpsServer } from './ops-server';

const silent = createLogger({
  service: 'test',
  level: 'error',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});

describe('ops server', () => {
  let server: OpsServer;
  let readiness: Readiness | Error = { ready: false, reason: 'starting' };
  const { registry } = createMetricsRegistry({ service: 'ops-test', version: '9.9.9' });
  const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`;

  beforeAll(async () => {
    server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      logger: silent,
      readiness: async () => {
        if (readiness instanceof Error) throw readiness;
        return readiness;
      },
    });
  });
  afterAll(() => server.close());

  it('listens on a free port when asked for port 0', () => {
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves Prometheus text on /metrics', async () => {
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    expect(await res.text()).toContain('arcp_build_info{service="ops-test",version="9.9.9"} 1');
  });

  it('answers /healthz while the process is alive', async () => {
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness with a reason when not ready', async () => {
    readiness = { ready: false, reason: 'starting' };
    const notReady = await fetch(url('/readyz'));
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'unavailable', reason: 'starting' });
    readiness = { ready: true };
    const ready = await fetch(url('/readyz?verbose=1'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('treats a throwing readiness check as not ready', async () => {
    readiness = new Error('store unreachable');
    const res = await fetch(url('/readyz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'check failed' });
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect((await fetch(url('/nope'))).status).toBe(404);
    expect((await fetch(url('/metrics'), { method: 'POST' })).status).toBe(405);
  });
});

describe('ops server liveness', () => {
  it('uses the liveness check for /healthz and frees the port on close', async () => {
    const { registry } = createMetricsRegistry({ service: 'live', version: '0' });
    const server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      logger: silent,
      readiness: () => ({ ready: true }),
      liveness: () => ({ ready: false, reason: 'event loop stalled' }),
    });
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'event loop stalled' });
    await server.close();
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
  });
});
