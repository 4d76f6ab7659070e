/**
 * Riding out a JetStream leader election. When the node that leads a stream goes away, the
 * remaining replicas elect a new leader within seconds (about 5 s measured with nats-server 2.9
 * on three nodes); meanwhile a write finds no responder, or times out when it was in flight to
 * the node that died. Every write carries a message id (`Nats-Msg-Id`), which the stream
 * remembers for its duplicate window and checks before anything else, compare-and-set included
 * (checked on nats-server 2.9.10): a write sent again after a timeout is stored once, and a
 * retry of one that was stored answers with the first one's sequence instead of a conflict with
 * itself. So a write is sent again until the bound, and the caller sees a slower answer instead
 * of an error. While the connection itself is lost, a write waits for the move to another node of
 * a cluster within the same bound, and fails at once when there is none (`nats-availability.ts`).
 */
import { nuid } from 'nats';
import { type Availability, whenAvailable } from './nats-availability';
import { isNoResponders, isTimeout } from './nats-errors';

/** Pause between attempts. */
const RETRY_PAUSE_MS = 250;
/** One attempt's wait for the stream's acknowledgement. */
const ATTEMPT_TIMEOUT_MS = 2500;

/** A fresh id for one logical write, shared by all its attempts. */
export function writeId(): string {
  return nuid.next();
}

/**
 * Runs `op` (one attempt, given its timeout) until it succeeds, fails for another reason than
 * "no responders" or a timeout, `boundMs` has passed (0: one attempt), or the bus is offline.
 */
export async function retryWrite<T>(op: (timeoutMs: number) => Promise<T>, boundMs: number, availability: () => Availability): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    await whenAvailable(availability, deadline);
    const left = deadline - Date.now();
    try {
      return await op(left > 0 ? Math.max(RETRY_PAUSE_MS, Math.min(ATTEMPT_TIMEOUT_MS, left)) : ATTEMPT_TIMEOUT_MS);
    } catch (err) {
      if (!(isNoResponders(err) || isTimeout(err)) || deadline - Date.now() < RETRY_PAUSE_MS) throw err;
      await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
    }
  }
}

/** How long creating (or looking up) a bucket or stream at startup may take on a busy cluster. */
const SETUP_BOUND_MS = 30_000;
const SETUP_BACKOFF_MS = [250, 500, 1000, 2000];

/**
 * A setup call of the JetStream API (create, look up, update a stream), tried again while it
 * times out or finds no responder: creating a replicated stream needs the cluster's metadata
 * leader and a new group's election, which on a loaded machine outlast nats.js's 5 s timeout
 * (measured: a service failed to start at load average 27). Creations are idempotent.
 */
export async function retrySetup<T>(op: () => Promise<T>, boundMs = SETUP_BOUND_MS): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!(isNoResponders(err) || isTimeout(err)) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, SETUP_BACKOFF_MS[Math.min(attempt, SETUP_BACKOFF_MS.length - 1)]));
    }
  }
}
