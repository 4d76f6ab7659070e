/**
 * Frames relayed from the bus, handed to uWS in paced turns. A bus connection hands over whatever
 * one socket read held (libuv reads up to 32 × 64 KB per readable event, thousands of frames).
 * `app.publish` only queues a frame for its subscribers; uWS writes what a turn queued after the
 * turn, one write per socket for all of it (measured: one 750-byte frame to 10,000 sockets took
 * 1.3 ms to queue and ~160 ms to write; sixteen took ~200 ms). Queuing everything one read held
 * made that write as long as the backlog (1.7 s measured at 800 frames/s to 1,000 sockets), and
 * `/readyz` and `/metrics` went unanswered exactly when an orchestrator asks them most.
 *
 * Here each turn may hand uWS `turnDeliveries` deliveries (frames × subscribers, what the write
 * after the turn costs). Within that, a frame is published as it arrives, exactly as without a
 * relay; past it, frames wait in order and go out in the check phase that follows, the next
 * budget's worth per turn (at least one frame), after the poll phase has served other sockets.
 * Past `maxPending` waiting frames the oldest are dropped and counted: under sustained overload
 * memory stays bounded and the loss is visible, not a stall.
 */

export interface RelayOptions {
  /** Publishes encoded bytes to a topic (the endpoint's `publish`); returns the subscribers it reached. */
  publish(topic: string, bytes: string | Uint8Array, type: string): number;
  /** Frames dropped because the queue was full, by frame type. */
  onDrop(type: string, frames: number): void;
  /** Deliveries (frames × subscribers) handed to uWS per event-loop turn before the rest waits. */
  turnDeliveries?: number;
  /** Frames queued at most; the oldest go first. */
  maxPending?: number;
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

/** About 30–60 ms of writing after a turn on the benchmark box: room in a 100 ms ops answer. */
export const RELAY_TURN_DELIVERIES = 50_000;
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
  const budget = opts.turnDeliveries ?? RELAY_TURN_DELIVERIES;
  const max = opts.maxPending ?? RELAY_MAX_PENDING;
  const schedule = opts.schedule ?? immediate;
  // A ring would avoid the compaction; the queue is empty unless the gateway is overloaded.
  let queue: Queued[] = [];
  let head = 0;
  /** Deliveries handed to uWS since the current turn began. */
  let spent = 0;
  let scheduled: { cancel(): void } | undefined;
  let stopped = false;

  const size = () => queue.length - head;
  const publish = (f: Queued) => {
    spent += opts.publish(f.topic, f.bytes, f.type);
  };
  /** The next turn starts a new budget (and drains what waits). */
  const nextTurn = () => {
    scheduled = undefined;
    spent = 0;
    while (size() > 0 && spent < budget) publish(queue[head++]!);
    if (size() === 0) {
      queue = [];
      head = 0;
    } else {
      if (head > 1024) {
        queue = queue.slice(head);
        head = 0;
      }
      scheduled = schedule(nextTurn);
    }
  };

  return {
    push(topic, bytes, type) {
      if (stopped) return;
      const frame = { topic, bytes, type };
      if (size() === 0 && spent < budget) {
        publish(frame);
        // Something was spent: a later turn starts afresh.
        if (spent > 0) scheduled ??= schedule(nextTurn);
        return;
      }
      queue.push(frame);
      if (size() > max) {
        const dropped = queue[head++]!;
        opts.onDrop(dropped.type, 1);
      }
      scheduled ??= schedule(nextTurn);
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
