/**
 * Typed failures of the SDK. Every error is an `ArcpError`; `terminal` ones stop a channel's
 * reconnect loop (the credential or the client must change first), the others are retried.
 */
export class ArcpError extends Error {
  override name = 'ArcpError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No WebSocket implementation: pass `WebSocket` (e.g. from the `ws` package) in Node 20. */
export class ArcpConfigError extends ArcpError {
  override name = 'ArcpConfigError';
}

/** The server closed the channel with a code that says "do not reconnect as is". */
export class ArcpClosedError extends ArcpError {
  override name = 'ArcpClosedError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message = `closed by the server: ${code}${reason ? ` ${reason}` : ''}`,
  ) {
    super(message);
  }
}

/** The channel refused the credential (agents: auth_error + 1008; dashboard: 4000/4001/4003). */
export class ArcpAuthError extends ArcpClosedError {
  override name = 'ArcpAuthError';
}

/** The credential was revoked (4009: logout, agent unregistered). */
export class ArcpRevokedError extends ArcpClosedError {
  override name = 'ArcpRevokedError';
}

/** The server closed the socket for flooding (4008); reconnecting at once would be refused. */
export class ArcpRateLimitedError extends ArcpClosedError {
  override name = 'ArcpRateLimitedError';
}

/** The token (as given, or as the provider returned it) has expired; supply a fresh one. */
export class ArcpTokenExpiredError extends ArcpError {
  override name = 'ArcpTokenExpiredError';
  constructor(readonly expiredAt: Date) {
    super(`token expired at ${expiredAt.toISOString()}`);
  }
}

/** `maxAttempts` reconnects failed in a row. */
export class ArcpReconnectFailedError extends ArcpError {
  override name = 'ArcpReconnectFailedError';
  constructor(
    readonly attempts: number,
    readonly lastCode: number,
    readonly lastReason: string,
  ) {
    super(`gave up after ${attempts} reconnect attempts (last close ${lastCode}${lastReason ? ` ${lastReason}` : ''})`);
  }
}

/** A request (ping, command ack, discovery page) got no answer in time, or the channel closed first. */
export class ArcpTimeoutError extends ArcpError {
  override name = 'ArcpTimeoutError';
}

/** The consumer of an async iterator fell `bufferSize` frames behind. */
export class ArcpSlowConsumerError extends ArcpError {
  override name = 'ArcpSlowConsumerError';
}

/** RFC 9457 problem details as the registry sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  timestamp?: string;
  [extension: string]: unknown;
}

/** An HTTP call answered with an error status; `problem` is the problem+json body when there is one. */
export class ArcpHttpError extends ArcpError {
  override name = 'ArcpHttpError';
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly retryAfterS: number | undefined,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path}: ${status}${problem?.detail ? ` ${problem.detail}` : ''}`);
  }

  /** The problem slug (`agent-not-found`, `token-invalid`, ...), from the problem type URL. */
  get slug(): string | undefined {
    return this.problem?.type.split('/').pop();
  }
}

/**
 * Whether a failure (typically of a token provider) is worth retrying as is: server errors,
 * throttling and network failures are; refused credentials (4xx), expired tokens and programming
 * errors are not.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof ArcpTokenExpiredError) return false;
  if (err instanceof ArcpHttpError) return err.status >= 500 || err.status === 429 || err.status === 408;
  return err instanceof ArcpError && !(err instanceof ArcpClosedError);
}
