/**
 * Reading a uWS HTTP request into the neutral `HttpRequest`. uWS request objects are valid only
 * during the synchronous part of the route callback, so everything is copied up front; the body
 * arrives later through `onData` and is bounded while it streams.
 */
import { randomUUID } from 'node:crypto';
import type { HttpRequest as UwsRequest, HttpResponse as UwsResponse } from 'uWebSockets.js';
import type { HttpMethod } from '@arcp/service-kit';

/** Everything read synchronously from the uWS request. */
export interface RequestHead {
  readonly method: HttpMethod;
  readonly path: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string>;
  readonly ip: string;
  readonly requestId: string;
}

/** A client's request id is kept when it is 1-128 printable ASCII characters (no control bytes). */
const CLIENT_REQUEST_ID = /^[\x21-\x7e][\x20-\x7e]{0,127}$/;

/** The client's `X-Request-Id` when it is safe to echo and log, else a new UUID. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
}

/** `:name` segments of a route template, in order (uWS hands parameters out by index). */
export function paramNames(pattern: string): string[] {
  return pattern
    .split('/')
    .filter((seg) => seg.startsWith(':'))
    .map((seg) => seg.slice(1));
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** uWS prints IPv4-mapped IPv6 peers in full hex form; report them as plain IPv4. */
export function normalizeIp(text: string): string {
  const m = /^(?:0000:){5}ffff:([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(text);
  if (!m) return text;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function readHead(
  res: UwsResponse,
  req: UwsRequest,
  method: HttpMethod,
  names: readonly string[],
  trustProxy: boolean,
): RequestHead {
  const headers: Record<string, string> = {};
  req.forEach((key, value) => {
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  });
  const params: Record<string, string> = {};
  names.forEach((name, i) => {
    params[name] = decode(req.getParameter(i));
  });
  const forwarded = trustProxy ? headers['x-forwarded-for']?.split(',')[0]?.trim() : undefined;
  return {
    method,
    path: req.getUrl(),
    params,
    query: new URLSearchParams(req.getQuery() ?? ''),
    headers,
    ip: forwarded || normalizeIp(Buffer.from(res.getRemoteAddressAsText()).toString()),
    requestId: requestIdFrom(headers['x-request-id']),
  };
}

/** The body exceeded the route's limit (declared or while streaming). */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/**
 * Collects the body. Chunks are copied because uWS neuters each ArrayBuffer after the callback.
 * Rejects with BodyTooLargeError as soon as the running total passes `maxBytes`.
 */
export function readBody(res: UwsResponse, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    res.onData((chunk, isLast) => {
      if (failed) return;
      size += chunk.byteLength;
      if (size > maxBytes) {
        failed = true;
        reject(new BodyTooLargeError(`body larger than ${maxBytes} bytes`));
        return;
      }
      if (chunk.byteLength > 0) chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
  });
}
