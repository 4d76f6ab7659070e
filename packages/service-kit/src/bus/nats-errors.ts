/**
 * Maps nats.js failures to the typed bus errors, so nothing outside the NATS engine ever looks
 * at nats.js error codes or messages.
 */
import { ErrorCode, NatsError } from 'nats';
import { BusClosedError, BusNoResponderError, BusTimeoutError, KvConflictError } from './errors';

/** JetStream API error for a failed expected-last-sequence check ("wrong last sequence"). */
const JS_WRONG_LAST_SEQUENCE = 10071;
/** What a stream create gets when another connection created that stream first: the name is
 * taken, or (depending on timing) its subjects overlap with the one just created. */
const JS_STREAM_NAME_IN_USE = 10058;
const JS_SUBJECTS_OVERLAP = 10065;

function natsCode(err: unknown): string | undefined {
  return err instanceof NatsError ? err.code : undefined;
}

export function isClosedError(err: unknown): boolean {
  const code = natsCode(err);
  return code === ErrorCode.ConnectionClosed || code === ErrorCode.ConnectionDraining;
}

/**
 * Nobody took the message: no stream leader listens on the subject (a JetStream election under
 * way) or JetStream answered "temporarily unavailable". Nothing was stored, so a write may be
 * sent again.
 */
export function isNoResponders(err: unknown): boolean {
  return natsCode(err) === ErrorCode.NoResponders;
}

/** A request (or a JetStream publish) got no answer in time. */
export function isTimeout(err: unknown): boolean {
  return natsCode(err) === ErrorCode.Timeout;
}

/** Errors of a core request (or a JetStream publish, which is one). */
export function mapRequestError(err: unknown, subject: string, timeoutMs: number): unknown {
  if (isTimeout(err)) return new BusTimeoutError(subject, timeoutMs, { cause: err });
  if (isNoResponders(err)) return new BusNoResponderError(subject, { cause: err });
  if (isClosedError(err)) return new BusClosedError({ cause: err });
  return err;
}

/** A stream (or KV bucket) create that lost the race to another replica creating the same one. */
export function isLostCreateRace(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = err instanceof NatsError ? err.api_error?.err_code : undefined;
  return (
    code === JS_STREAM_NAME_IN_USE ||
    code === JS_SUBJECTS_OVERLAP ||
    /already in use|subjects overlap with an existing stream/i.test(err.message)
  );
}

export function isWrongLastSequence(err: unknown): boolean {
  if (!(err instanceof NatsError)) return false;
  return err.api_error?.err_code === JS_WRONG_LAST_SEQUENCE || /wrong last sequence/i.test(err.message);
}

/** Errors of a KV operation: CAS failures become KvConflictError, an unreachable bucket a bus error. */
export function mapKvError(err: unknown, bucket: string, key: string, timeoutMs: number): unknown {
  if (isWrongLastSequence(err)) return new KvConflictError(bucket, key, { cause: err });
  return mapRequestError(err, `kv ${bucket}/${key}`, timeoutMs);
}

/** "Not found" answers of the JetStream API (stream or message). */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof NatsError)) return false;
  return err.code === ErrorCode.JetStream404NoMessages || err.api_error?.code === 404 || /not found/i.test(err.message);
}
