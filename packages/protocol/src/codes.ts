/**
 * WebSocket close codes and their meaning for clients: reconnect, or stop and fix something.
 * Codes 1000–1015 are RFC 6455; 4000–4099 are terminal application codes (4000/4001/4003 are
 * fixed by the dashboard contract); 4200–4299 ask the client to reconnect (to another replica).
 */

export const CloseCodes = Object.freeze({
  /** Normal closure (e.g. the accept/auth timeout of the reference, client-initiated closes). */
  NORMAL: 1000,
  /** Endpoint going away without a planned reconnect window. */
  GOING_AWAY: 1001,
  /** Agent channel authentication failures (every `auth_error` is followed by this code). */
  POLICY_VIOLATION: 1008,
  /** A binary frame: the channels speak text only. */
  UNSUPPORTED_DATA: 1003,
  /** A client frame larger than the channel's limit. */
  MESSAGE_TOO_BIG: 1009,
  /** Unexpected server failure; the client may retry. */
  INTERNAL_ERROR: 1011,
  /** Service restart (RFC 6455 registry); the client should reconnect. */
  SERVICE_RESTART: 1012,
  /** Over capacity; try again later. */
  TRY_AGAIN_LATER: 1013,

  /** Dashboard: malformed first frame, auth wait timed out, or failure sending the burst. */
  DASHBOARD_MALFORMED: 4000,
  /** Dashboard: missing auth frame, missing or invalid token. */
  DASHBOARD_UNAUTHORIZED: 4001,
  /** Dashboard: valid token without the admin role. */
  DASHBOARD_FORBIDDEN: 4003,
  /** Flood: too many frames too fast. Reconnecting at once would be refused again. */
  RATE_LIMITED: 4008,
  /** The credential was revoked (logout, agent unregistered). Do not reconnect with it. */
  REVOKED: 4009,

  /** This replica is draining (deploy, scale-in); reconnect, preferably after a short jitter. */
  SERVER_RESTARTING: 4200,
  /** The client read too slowly and its send buffer overflowed; reconnect and resync. */
  SLOW_CONSUMER: 4201,
  /**
   * The token this socket authenticated with reached its `exp`; reconnect with a fresh token
   * (a client that sends the expired one again gets the channel's auth failure).
   */
  TOKEN_EXPIRED: 4202,
} as const);

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/** Short close reasons (RFC 6455 leaves 123 bytes for the reason). */
export const CloseReasons = Object.freeze({
  [CloseCodes.RATE_LIMITED]: 'Rate limit exceeded',
  [CloseCodes.REVOKED]: 'Credential revoked',
  [CloseCodes.SERVER_RESTARTING]: 'Server restarting, reconnect',
  [CloseCodes.SLOW_CONSUMER]: 'Slow consumer, reconnect',
  [CloseCodes.TOKEN_EXPIRED]: 'Token expired, reconnect with a fresh token',
  [CloseCodes.MESSAGE_TOO_BIG]: 'Message too big',
  [CloseCodes.GOING_AWAY]: 'Going away',
  [CloseCodes.INTERNAL_ERROR]: 'Internal error',
} as const);

/** The largest UTF-8 size of a close reason. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Whether a client seeing `code` should reconnect automatically. 1006 (abnormal, never sent on
 * the wire) counts as reconnect because it is what clients observe when a replica dies.
 */
export function isReconnectCode(code: number): boolean {
  if (code >= 4200 && code <= 4299) return true;
  return code === 1001 || code === 1006 || code === 1011 || code === 1012 || code === 1013;
}

/** What a client does after a close: reconnect, stop (fix something first), or nothing (done). */
export type CloseAction = 'reconnect' | 'stop' | 'done';

export interface CloseCodeInfo {
  readonly code: number;
  readonly meaning: string;
  readonly action: CloseAction;
}

/**
 * Every close code a client can observe, with its meaning and what to do: the table the
 * AsyncAPI document and the SDK's reconnect policy are built from. 1006 is never sent on the
 * wire; it is what a client sees when the connection drops (a replica died).
 */
export const CLOSE_CODE_INFO: readonly CloseCodeInfo[] = Object.freeze(
  (
    [
      [CloseCodes.NORMAL, 'Normal closure (or the auth wait timed out)'],
      [CloseCodes.GOING_AWAY, 'Endpoint going away'],
      [CloseCodes.UNSUPPORTED_DATA, 'A binary frame was sent; the channels speak text only'],
      [1006, 'Connection dropped without a close frame (observed by clients, never sent)'],
      [CloseCodes.POLICY_VIOLATION, '/agents/ws authentication failed (after an auth_error frame)'],
      [CloseCodes.MESSAGE_TOO_BIG, 'A frame larger than the channel limit'],
      [CloseCodes.INTERNAL_ERROR, 'Unexpected server failure'],
      [CloseCodes.SERVICE_RESTART, 'Service restart'],
      [CloseCodes.TRY_AGAIN_LATER, 'Over capacity'],
      [CloseCodes.DASHBOARD_MALFORMED, '/dashboard/ws: malformed first frame'],
      [CloseCodes.DASHBOARD_UNAUTHORIZED, '/dashboard/ws: auth frame or token missing, or the token is invalid or expired'],
      [CloseCodes.DASHBOARD_FORBIDDEN, '/dashboard/ws: the token is valid but not an admin token'],
      [CloseCodes.RATE_LIMITED, 'Too many frames too fast; reconnecting at once would be refused again'],
      [CloseCodes.REVOKED, 'The credential was revoked (logout, agent unregistered)'],
      [CloseCodes.SERVER_RESTARTING, 'This replica is draining (deploy, scale-in); reconnect after a short jitter'],
      [CloseCodes.SLOW_CONSUMER, 'The client read too slowly and its send buffer overflowed; reconnect and resync'],
      [
        CloseCodes.TOKEN_EXPIRED,
        '/agents/ws and /dashboard/ws: the token reached its exp while the socket was open; reconnect with a fresh token',
      ],
    ] as const
  ).map(([code, meaning]): CloseCodeInfo => ({
    code,
    meaning,
    action: isReconnectCode(code) ? 'reconnect' : code === CloseCodes.NORMAL ? 'done' : 'stop',
  })),
);

/** Trims a close reason to the RFC 6455 budget without splitting a UTF-8 sequence. */
export function clampCloseReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES) return reason;
  let out = '';
  for (const ch of reason) {
    if (Buffer.byteLength(out + ch) > MAX_CLOSE_REASON_BYTES) break;
    out += ch;
  }
  return out;
}
