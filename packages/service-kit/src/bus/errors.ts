/**
 * Typed bus failures, one class per failure mode, each keeping the engine error as `cause`.
 * Callers branch on the class (`instanceof`) or on `code`, never on engine messages.
 */

export type BusErrorCode = 'BUS_TIMEOUT' | 'BUS_NO_RESPONDERS' | 'KV_CONFLICT' | 'BUS_CLOSED' | 'BUS_UNAVAILABLE' | 'BUS_REPLICAS';

export abstract class BusError extends Error {
  abstract readonly code: BusErrorCode;
}

/** A request got no reply within its timeout. */
export class BusTimeoutError extends BusError {
  override readonly name = 'BusTimeoutError';
  readonly code = 'BUS_TIMEOUT';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`request on ${subject} timed out after ${timeoutMs} ms`, options);
  }
}

/** Nobody listens on the subject (a request without responders, or an uncaptured stream subject). */
export class BusNoResponderError extends BusError {
  override readonly name = 'BusNoResponderError';
  readonly code = 'BUS_NO_RESPONDERS';
  constructor(
    readonly subject: string,
    options?: { cause?: unknown },
  ) {
    super(`no responders on ${subject}`, options);
  }
}

/** A compare-and-set KV write lost: the key exists (create) or moved past the given revision. */
export class KvConflictError extends BusError {
  override readonly name = 'KvConflictError';
  readonly code = 'KV_CONFLICT';
  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`kv conflict on ${bucket}/${key}`, options);
  }
}

/** The bus is closed (or draining) and cannot take the operation. */
export class BusClosedError extends BusError {
  override readonly name = 'BusClosedError';
  readonly code = 'BUS_CLOSED';
  constructor(options?: { cause?: unknown }) {
    super('bus is closed', options);
  }
}

/**
 * The connection to the bus is lost and being re-established: operations that need a server
 * answer fail at once with this instead of waiting out their timeout, so callers can answer
 * fast (503 + Retry-After, an error frame) and try again later.
 */
export class BusUnavailableError extends BusError {
  override readonly name = 'BusUnavailableError';
  readonly code = 'BUS_UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super('the message bus is unavailable (reconnecting)', options);
  }
}

/**
 * A bucket or stream could not be created with the configured number of replicas (NATS_REPLICAS):
 * the server is not clustered, or fewer JetStream servers are available than copies wanted.
 */
export class BusReplicasError extends BusError {
  override readonly name = 'BusReplicasError';
  readonly code = 'BUS_REPLICAS';
  constructor(
    readonly kind: 'bucket' | 'stream',
    readonly store: string,
    readonly replicas: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot create ${kind} ${store} with ${replicas} replicas: ${reason} (NATS_REPLICAS must not exceed the JetStream servers available; a single server keeps 1)`,
      options,
    );
  }
}
