/**
 * Mounts transport-neutral `RouteDef`s on a uWS app: request reading, body limits, abort safety,
 * problem+json errors and per-route-template metrics. Handlers never see uWS objects.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpResponse as UwsResponse, HttpRequest as UwsRequest } from 'uWebSockets.js';
import { httpMetrics, type HttpMethod, type HttpMetrics, type HttpResponse, type MountOptions, type RouteDef } from '@arcp/service-kit';
import type { UwsApp } from './server';
import { BodyTooLargeError, paramNames, readBody, readHead, type RequestHead } from './http-request';
import { problemResponse } from './problem';
import { createClientLimiter, type ClientLimiter } from './client-limiter';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type Register = (pattern: string, handler: (res: UwsResponse, req: UwsRequest) => void) => unknown;

function registrar(app: UwsApp, method: HttpMethod): Register {
  switch (method) {
    case 'GET': return app.get.bind(app);
    case 'POST': return app.post.bind(app);
    case 'PUT': return app.put.bind(app);
    case 'PATCH': return app.patch.bind(app);
    case 'DELETE': return app.del.bind(app);
  }
}

/** Per-request state shared by the reading, handling and writing steps. */
interface Exchange {
  readonly res: UwsResponse;
  readonly route: RouteDef;
  readonly started: bigint;
  aborted: boolean;
}

export function mountRoutes(app: UwsApp, routes: readonly RouteDef[], opts: MountOptions): void {
  const metrics = httpMetrics(opts.registry);
  const limiter = opts.rateLimit ? createClientLimiter(opts.rateLimit) : undefined;
  for (const route of routes) {
    const names = paramNames(route.pattern);
    registrar(app, route.method)(route.pattern, (res, req) => {
      const ex: Exchange = { res, route, started: process.hrtime.bigint(), aborted: false };
      res.onAborted(() => {
        ex.aborted = true;
      });
      const head = readHead(res, req, route.method, names, opts.trustProxy ?? false);
      if (limiter && !limiter.allow(head.ip)) return finish(ex, rateLimited(head.path, limiter), metrics, opts);
      void serve(ex, head, metrics, opts);
    });
  }
}

async function serve(ex: Exchange, head: RequestHead, metrics: HttpMetrics, opts: MountOptions): Promise<void> {
  const max = ex.route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const declared = Number(head.headers['content-length'] ?? 0);
  if (declared > max) {
    finish(ex, tooLarge(head.path, max), metrics, opts, true);
    return;
  }
  let response: HttpResponse;
  try {
    const body = await readBody(ex.res, max);
    if (ex.aborted) return finish(ex, { status: 499 }, metrics, opts);
    response = await ex.route.handler({ ...head, body });
  } catch (err) {
    if (err instanceof BodyTooLargeError) return finish(ex, tooLarge(head.path, max), metrics, opts, true);
    opts.logger.error({ err, route: ex.route.pattern, method: head.method }, 'HTTP handler failed');
    response = problemResponse('internal-error', 'An unexpected error occurred', head.path);
  }
  finish(ex, response, metrics, opts);
}

function rateLimited(path: string, limiter: ClientLimiter): HttpResponse {
  const retry = String(limiter.retryAfterS());
  return problemResponse('rate-limit-exceeded', 'Too many requests from this client, slow down', path, { 'retry-after': retry });
}

function tooLarge(path: string, max: number): HttpResponse {
  return problemResponse('request-too-large', `Request body exceeds ${max} bytes`, path);
}

/** Writes the response (unless the client went away) and records the metrics. */
function finish(ex: Exchange, response: HttpResponse, metrics: HttpMetrics, opts: MountOptions, closeConnection = false): void {
  // 499: the client closed the request before an answer could be written (nginx's convention).
  let status = ex.aborted ? 499 : response.status;
  if (!ex.aborted) {
    try {
      writeResponse(ex.res, response, closeConnection);
    } catch (err) {
      // An unencodable body (cycle, BigInt) must still end the request.
      opts.logger.error({ err, route: ex.route.pattern }, 'HTTP response could not be written');
      status = 500;
      writeResponse(ex.res, problemResponse('internal-error', 'An unexpected error occurred', ''), closeConnection);
    }
  }
  const labels = { service: opts.service, route: ex.route.pattern, method: ex.route.method, status_code: String(status) };
  metrics.record(labels, Number(process.hrtime.bigint() - ex.started) / 1e9);
}

function encodeBody(response: HttpResponse, headers: Record<string, string>): string | Buffer {
  const { body } = response;
  if (body === undefined) return '';
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return JSON.stringify(body);
}

/** Status line, headers and body in one corked write. */
export function writeResponse(res: UwsResponse, response: HttpResponse, closeConnection = false): void {
  const headers = { ...response.headers };
  const payload = encodeBody(response, headers);
  res.cork(() => {
    res.writeStatus(`${response.status} ${STATUS_CODES[response.status] ?? ''}`.trimEnd());
    for (const [key, value] of Object.entries(headers)) res.writeHeader(key, value);
    res.end(payload, closeConnection);
  });
}

/**
 * Answers every request no route matched with a 404 problem, including a known path asked with
 * another method (uWS prefers method-specific routes over `any`). Mount it last.
 */
export function mountNotFound(app: UwsApp): void {
  app.any('/*', (res, req) => {
    const path = req.getUrl();
    const detail = `No route for ${req.getMethod().toUpperCase()} ${path}`;
    writeResponse(res, problemResponse('not-found', detail, path));
  });
}
