/**
 * Mounts transport-neutral `RouteDef`s on a uWS app: request reading, body limits, abort safety,
 * problem+json errors, request ids (X-Request-Id in and out, `request_id` in problem bodies and
 * log lines) and per-route-template metrics. Handlers never see uWS objects. The fallback answers
 * what no route matched: 405 with `Allow` for a known path asked with another method, else 404,
 * both counted under the route label `unmatched`.
 */
import { STATUS_CODES } from 'node:http';
import type { HttpResponse as UwsResponse, HttpRequest as UwsRequest } from 'uWebSockets.js';
import { httpMetrics, type HttpMethod, type HttpMetrics, type HttpResponse, type MountOptions, type RouteDef } from '@arcp/service-kit';
import type { UwsApp } from './server';
import { BodyTooLargeError, paramNames, readBody, readHead, requestIdFrom, type RequestHead } from './http-request';
import { problemResponse } from './problem';
import { PROBLEM_CONTENT_TYPE } from '@arcp/protocol';
import { createClientLimiter, type ClientLimiter } from './client-limiter';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type Register = (pattern: string, handler: (res: UwsResponse, req: UwsRequest) => void) => unknown;

function registrar(app: UwsApp, method: HttpMethod): Register {
  switch (method) {
    case 'GET':
      return app.get.bind(app);
    case 'POST':
      return app.post.bind(app);
    case 'PUT':
      return app.put.bind(app);
    case 'PATCH':
      return app.patch.bind(app);
    case 'DELETE':
      return app.del.bind(app);
  }
}

/** Route label of the requests no route matched (404 and 405). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Per-request state shared by the reading, handling and writing steps. */
interface Exchange {
  readonly res: UwsResponse;
  /** Route template, or `unmatched`. */
  readonly route: string;
  readonly method: string;
  readonly head: Pick<RequestHead, 'path' | 'ip' | 'requestId'>;
  readonly started: bigint;
  aborted: boolean;
}

/** Every route mounted on an app, for the fallback's 405 (`Allow`). */
const mounted = new WeakMap<UwsApp, Array<{ method: HttpMethod; match: RegExp }>>();

/** `/agents/:agent_id` → a regular expression matching its paths. */
function patternMatcher(pattern: string): RegExp {
  const parts = pattern
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}/?$`);
}

export function mountRoutes(app: UwsApp, routes: readonly RouteDef[], opts: MountOptions): void {
  const metrics = httpMetrics(opts.registry);
  const limiter = opts.rateLimit ? createClientLimiter(opts.rateLimit) : undefined;
  const known = mounted.get(app) ?? [];
  mounted.set(app, known);
  for (const route of routes) {
    known.push({ method: route.method, match: patternMatcher(route.pattern) });
    const names = paramNames(route.pattern);
    registrar(app, route.method)(route.pattern, (res, req) => {
      const head = readHead(res, req, route.method, names, opts.trustProxy ?? false);
      const ex: Exchange = { res, route: route.pattern, method: route.method, head, started: process.hrtime.bigint(), aborted: false };
      res.onAborted(() => {
        ex.aborted = true;
      });
      if (limiter && !limiter.allow(head.ip)) return finish(ex, rateLimited(head.path, limiter), metrics, opts);
      void serve(ex, route, head, metrics, opts);
    });
  }
}

async function serve(ex: Exchange, route: RouteDef, head: RequestHead, metrics: HttpMetrics, opts: MountOptions): Promise<void> {
  const max = route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const declared = Number(head.headers['content-length'] ?? 0);
  if (declared > max) {
    finish(ex, tooLarge(head.path, max), metrics, opts, true);
    return;
  }
  let response: HttpResponse;
  try {
    const body = await readBody(ex.res, max);
    if (ex.aborted) return finish(ex, { status: 499 }, metrics, opts);
    response = await route.handler({ ...head, body });
  } catch (err) {
    if (err instanceof BodyTooLargeError) return finish(ex, tooLarge(head.path, max), metrics, opts, true);
    opts.logger.error({ err, route: route.pattern, method: head.method, request_id: head.requestId }, 'HTTP handler failed');
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

/** The response with `X-Request-Id`, and `request_id` in a problem+json body. */
function withRequestId(response: HttpResponse, requestId: string): HttpResponse {
  const headers = { ...response.headers, 'x-request-id': requestId };
  const type = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const body = response.body;
  const isProblem =
    type.startsWith(PROBLEM_CONTENT_TYPE) && typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && !Array.isArray(body);
  return { ...response, headers, ...(isProblem ? { body: { ...body, request_id: requestId } } : {}) };
}

/** Writes the response (unless the client went away), records the metrics and the access line. */
function finish(ex: Exchange, response: HttpResponse, metrics: HttpMetrics, opts: FallbackOptions, closeConnection = false): void {
  // 499: the client closed the request before an answer could be written (nginx's convention).
  let status = ex.aborted ? 499 : response.status;
  if (!ex.aborted) {
    try {
      writeResponse(ex.res, withRequestId(response, ex.head.requestId), closeConnection);
    } catch (err) {
      // An unencodable body (cycle, BigInt) must still end the request.
      opts.logger.error({ err, route: ex.route, request_id: ex.head.requestId }, 'HTTP response could not be written');
      status = 500;
      writeResponse(
        ex.res,
        withRequestId(problemResponse('internal-error', 'An unexpected error occurred', ''), ex.head.requestId),
        closeConnection,
      );
    }
  }
  const durationS = Number(process.hrtime.bigint() - ex.started) / 1e9;
  metrics.record({ service: opts.service, route: ex.route, method: ex.method, status_code: String(status) }, durationS);
  // The access line: debug (every heartbeat would flood info), warn for server errors.
  const line = {
    request_id: ex.head.requestId,
    method: ex.method,
    route: ex.route,
    path: ex.head.path,
    status,
    duration_ms: Math.round(durationS * 1e4) / 10,
    client_ip: ex.head.ip,
  };
  if (status >= 500) opts.logger.warn(line, 'HTTP request failed');
  else opts.logger.debug(line, 'HTTP request');
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

/** What the fallback needs of the mount options: where it counts and logs. */
export type FallbackOptions = Pick<MountOptions, 'service' | 'registry' | 'logger'>;

/**
 * Answers every request no route matched: a path some route of this app serves, asked with
 * another method, gets 405 with `Allow`; anything else 404. Both are problem+json with the
 * request id, counted with the route label `unmatched`. Mount it last.
 */
export function mountNotFound(app: UwsApp, opts: FallbackOptions & { trustProxy?: boolean }): void {
  const metrics = httpMetrics(opts.registry);
  app.any('/*', (res, req) => {
    const path = req.getUrl();
    const method = req.getMethod().toUpperCase();
    const forwarded = opts.trustProxy ? req.getHeader('x-forwarded-for').split(',')[0]?.trim() : undefined;
    const head = {
      path,
      requestId: requestIdFrom(req.getHeader('x-request-id') || undefined),
      ip: forwarded || Buffer.from(res.getRemoteAddressAsText()).toString(),
    };
    const ex: Exchange = { res, route: UNMATCHED_ROUTE, method, head, started: process.hrtime.bigint(), aborted: false };
    const allowed = [...new Set((mounted.get(app) ?? []).filter((r) => r.match.test(path)).map((r) => r.method))];
    const response =
      allowed.length > 0
        ? problemResponse('method-not-allowed', `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, path, {
            allow: allowed.join(', '),
          })
        : problemResponse('not-found', `No route for ${method} ${path}`, path);
    finish(ex, response, metrics, opts);
  });
}
