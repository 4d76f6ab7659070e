/**
 * Reconnect delays: exponential growth with "full jitter" (a uniform draw between a floor and
 * the exponential cap), so a replica's thousands of clients, all closed at once by a drain, do
 * not come back at the same instant.
 */
export interface BackoffOptions {
  /** Cap of the first delay (ms). */
  initialDelayMs: number;
  /** Largest delay (ms). */
  maxDelayMs: number;
  /** Growth per attempt. */
  factor: number;
  /** Share of the cap that is always waited (0: full jitter, 1: no jitter). */
  minShare: number;
  /** Reconnect attempts in a row before giving up (Infinity: never). */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  minShare: 0.2,
  maxAttempts: Infinity,
});

/** The delay before attempt `attempt` (1-based); `random` returns [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const cap = Math.min(opts.maxDelayMs, opts.initialDelayMs * opts.factor ** Math.max(0, attempt - 1));
  const floor = cap * opts.minShare;
  return Math.round(floor + (cap - floor) * random());
}
