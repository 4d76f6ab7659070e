/**
 * The internal ops HTTP server (node:http, never behind the public ingress): `/metrics` for
 * Prometheus, `/healthz` for liveness (the process answers), `/readyz` for readiness (the
 * service can take traffic; false while starting or draining).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Logger } from 'pino';
import { type Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  /** Why not ready (e.g. `shutting down`, `nats reconnecting`); shown in the 503 body. */
  reason?: string;
}

export type ReadinessCheck = () => Readiness | Promise<Readiness>;

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  registry: Registry;
  logger: Logger;
  readiness: ReadinessCheck;
  /** Liveness beyond "the event loop answers"; default always live. */
  liveness?: ReadinessCheck;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const log = opts.logger.child({ module: 'ops-server' });
  const server = createServer((req, res) => {
    handle(req, res, opts).catch((err: unknown) => {
      log.error({ err, path: req.url }, 'ops request failed');
      if (!res.headersSent) sendJson(res, 500, { status: 'error' });
      else res.end();
    });
  });
  // Probes and scrapes are short; do not let idle keep-alive sockets delay shutdown.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: opts.host, port }, 'ops server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: OpsServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendJson(res, 405, { status: 'method not allowed' });
    return;
  }
  switch (path) {
    case '/metrics': {
      const body = await opts.registry.metrics();
      res.writeHead(200, { 'content-type': opts.registry.contentType, 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    case '/healthz':
      return sendCheck(res, opts.liveness ?? (() => ({ ready: true })), 'ok');
    case '/readyz':
      return sendCheck(res, opts.readiness, 'ready');
    default:
      sendJson(res, 404, { status: 'not found' });
  }
}

async function sendCheck(res: ServerResponse, check: ReadinessCheck, okStatus: string): Promise<void> {
  let result: Readiness;
  try {
    result = await check();
  } catch (_err) {
    // A check that cannot answer means "not ready", not "ops server broken".
    result = { ready: false, reason: 'check failed' };
  }
  if (result.ready) sendJson(res, 200, { status: okStatus });
  else sendJson(res, 503, { status: 'unavailable', reason: result.reason ?? 'not ready' });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
