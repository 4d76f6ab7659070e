/**
 * The public listener of a service as a port: HTTP routes (and, for gateways, WebSocket
 * endpoints that its engine adds) on one address. `@arcp/ws-engine` implements it on
 * uWebSockets.js; the process runtime only needs this shape, so a service without a public
 * listener (metrics) never loads the native module.
 */
import type { Registry } from 'prom-client';
import type { RouteDef } from './types';

/** Requests per client, as a token bucket: `burst` back to back, `perSecond` sustained. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

/** The slice of a logger that components write to; pino fits, and tests pass a recording one. */
export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface MountOptions {
  /** `service` label of the HTTP metrics. */
  service: string;
  registry: Registry;
  logger: LoggerLike;
  /** Take the peer address from the first `X-Forwarded-For` entry (behind a trusted proxy). */
  trustProxy?: boolean;
  /** Requests per client address; over it the answer is 429 + Retry-After before any handler runs. */
  rateLimit?: RateLimit;
}

export interface ListenHandle {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops accepting connections; open sockets are not touched. Idempotent. */
  close(): void;
}

export interface ServerPort {
  mountRoutes(routes: readonly RouteDef[], opts: MountOptions): void;
  /**
   * Answers every request no route matched (problem+json 405 with `Allow` for a known path asked
   * with another method, else 404), counted under the route label `unmatched`; mount it last.
   */
  mountFallback(opts: Pick<MountOptions, 'service' | 'registry' | 'logger' | 'trustProxy'>): void;
  listen(host: string, port: number): Promise<ListenHandle>;
}
