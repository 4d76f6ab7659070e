/**
 * Frames relayed from the bus, published in paced turns. A bus connection hands over whatever one
 * socket read held (libuv reads up to 32 × 64 KB per readable event, thousands of frames), and
 * publishing each as it is parsed kept the event loop in one turn for as long as they took to
 * write (1.7 s measured at 800 frames/s to 1,000 sockets), so `/readyz` and `/metrics` went
 * unanswered exactly when an orchestrator asks them most. Here a frame is queued and published
 * in the check phase that follows; a turn stops publishing after `turnBudgetMs` (at least one
 * frame each turn), and the rest waits for the next turn, after the poll phase has served
 * other sockets. Past `maxPending` queued frames the oldest are dropped and counted: under
 * sustained overload memory stays bounded and the loss is visible, not a stall.
 */

export interface RelayOptions {
  /** Publishes encoded bytes to a topic (the endpoint's `publish`). */
  publish(topic: string, bytes: string | Uint8Array, type: string): unknown;
  /** Frames dropped because the queue was full, by frame type. */
  onDrop(type: string, frames: number): void;
  /** Publishing time per event-loop turn (ms) before the rest waits for the next turn. */
  turnBudgetMs?: number;
  /** Frames queued at most; the oldest go first. */
  maxPending?: number;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Runs `fn` in a later turn (tests); default `setImmediate`. */
  schedule?: (fn: () => void) => { cancel(): void };
}

export interface Relay {
  push(topic: string, bytes: string | Uint8Array, type: string): void;
  /** Frames waiting. */
  pending(): number;
  /** Forgets what is queued; later pushes are ignored. */
  stop(): void;
}

/** Leaves room in a 100 ms answer for the ops request itself and one slow frame. */
export const RELAY_TURN_BUDGET_MS = 20;
export const RELAY_MAX_PENDING = 4096;

interface Queued {
  topic: string;
  bytes: string | Uint8Array;
  type: string;
}

const immediate = (fn: () => void) => {
  const handle = setImmediate(fn);
  return { cancel: () => clearImmediate(handle) };
};

export function createRelay(opts: RelayOptions): Relay {
  const budget = opts.turnBudgetMs ?? RELAY_TURN_BUDGET_MS;
  const max = opts.maxPending ?? RELAY_MAX_PENDING;
  const now = opts.now ?? (() => performance.now());
  const schedule = opts.schedule ?? immediate;
  // A ring would avoid the shift; the queue is short unless the gateway is already overloaded.
  let queue: Queued[] = [];
  let head = 0;
  let scheduled: { cancel(): void } | undefined;
  let stopped = false;

  const size = () => queue.length - head;

  const turn = () => {
    scheduled = undefined;
    const started = now();
    do {
      const next = queue[head++]!;
      opts.publish(next.topic, next.bytes, next.type);
    } while (head < queue.length && now() - started < budget);
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else {
      if (head > 1024) {
        queue = queue.slice(head);
        head = 0;
      }
      scheduled = schedule(turn);
    }
  };

  return {
    push(topic, bytes, type) {
      if (stopped) return;
      queue.push({ topic, bytes, type });
      if (size() > max) {
        const dropped = queue[head++]!;
        opts.onDrop(dropped.type, 1);
      }
      scheduled ??= schedule(turn);
    },
    pending: size,
    stop() {
      stopped = true;
      scheduled?.cancel();
      scheduled = undefined;
      queue = [];
      head = 0;
    },
  };
}
