/**
 * What a caller hands the engine to get a WebSocket endpoint: a name (the `channel` label of the
 * socket metrics), a path, limits, ping behaviour, an optional first-message auth step, and plain
 * handlers over the neutral `Connection`. The engine knows sockets; which channels exist and
 * what they say is `@arcp/gateway`'s business.
 */
import type { RateLimit } from '@arcp/service-kit';
import type { Connection } from './connection';

export interface EndpointLimits {
  /**
   * Authenticated sockets per replica (every socket of an endpoint without auth); over it the
   * upgrade gets 503, and a socket that authenticates while it is reached is closed 1013.
   */
  maxConnections: number;
  /** Sockets waiting for their first message (endpoints with auth); over it the upgrade gets 503. Default `maxConnections`. */
  maxPending?: number;
  /**
   * Per client address: pending sockets (endpoints with auth) or open sockets (endpoints without);
   * over it the upgrade gets 429. Default unlimited.
   */
  maxPerAddress?: number;
  /** Largest client frame; larger ones close the socket with 1009. */
  maxPayloadBytes: number;
  /** Time allowed for the first message and its verification (default 30 s). */
  authTimeoutMs?: number;
  /** uWS idle timeout (protocol pings are sent automatically before it); 0 disables. */
  idleTimeoutS: number;
  /** Per-socket send buffer limit; a socket staying over it is closed 4201. */
  maxBackpressureBytes: number;
  /**
   * Slow-consumer grace: the send buffers are checked this often, and a socket over the limit on
   * two checks in a row (a whole period) is closed 4201; one that drains in between is kept.
   * Default 1000.
   */
  slowConsumerGraceMs?: number;
  messageRate: RateLimit;
  /**
   * Application keep-alive of the reference: an authenticated socket silent this long gets a
   * text `ping`, repeated while it stays silent. Unset or 0 disables.
   */
  idlePingMs?: number;
  /** Broadcast frames: deliveries handed to uWS per event-loop turn (relay.ts; default 20,000). */
  relayTurnDeliveries?: number;
  /** Broadcast frames: sockets written per event-loop turn, by shard (relay.ts; default 1,000). */
  relayTurnSockets?: number;
  /** Broadcast frames that may wait for a turn; past it the oldest are dropped (default 4,096). */
  relayMaxPending?: number;
}

/**
 * `expiresAtMs`: when the credential stops being valid (epoch ms). The engine closes the socket
 * with 4202 at that moment; without it the socket stays open until it or the client closes.
 */
export type AuthResult =
  { ok: true; principal: unknown; expiresAtMs?: number } | { ok: false; code: number; reason: string; frame?: string };

export interface EndpointAuth {
  /** Called when the socket opens, before any message (e.g. to send `auth_required`). */
  onOpen?(conn: Connection): void;
  /**
   * Verifies the first text frame. The engine holds later frames until this resolves; on
   * failure it sends `frame` (if any) and closes with `code`/`reason`.
   */
  onFirstMessage(conn: Connection, text: string): Promise<AuthResult>;
  timeoutCloseCode: number;
  timeoutReason: string;
  /** Sent before the timeout close, if set. */
  timeoutFrame?: string;
}

export interface EndpointDefinition {
  /** Label of the socket metrics and logs (the gateway uses the channel name). */
  name: string;
  path: string;
  limits: EndpointLimits;
  /**
   * Plain-text keep-alive: `trim-lower` answers `ping` after trimming and lower-casing (public,
   * agents), `exact` only the exact text `ping` (dashboard), `none` passes text through.
   * A plain `pong` is swallowed in both active modes.
   */
  textPing: 'trim-lower' | 'exact' | 'none';
  /**
   * `{"type":"ping"}` → `{"type":"pong","timestamp":<epoch float>}` (and `{"type":"pong"}`
   * swallowed), answered only once the socket is authenticated (an endpoint without auth is
   * authenticated at open); `false` passes such frames to `onMessage`.
   */
  jsonPing: boolean;
  auth?: EndpointAuth;
  /** Open (without auth) or authenticated (with auth) socket. */
  onOpen(conn: Connection): void;
  /** Any other text frame, after auth. May be async; failures are logged, never fatal. */
  onMessage(conn: Connection, text: string): void | Promise<void>;
  /**
   * Binary frames (the protocol is text only). Without it the engine answers an error frame
   * and closes 1003. Called before auth too; `conn.principal` tells which.
   */
  onBinary?(conn: Connection): void;
  /** Every close, authenticated or not; `code` as received or sent. */
  onClose(conn: Connection, code: number): void;
}
