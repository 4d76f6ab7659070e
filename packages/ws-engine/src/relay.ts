/**
 * Everything a gateway writes to many sockets, handed to uWS in paced turns, and the per-socket
 * steps that must stay in order with it.
 *
 * `app.publish` only queues a frame for its subscribers; uWS writes what a turn queued after the
 * turn, one write per socket for all of it (measured: one 750-byte frame to 10,000 sockets took
 * 1.3 ms to queue and ~160 ms to write; sixteen took ~200 ms). Queuing everything one bus read
 * held made that write as long as the backlog (1.7 s measured at 800 frames/s to 1,000 sockets),
 * and `/readyz` and `/metrics` went unanswered exactly when an orchestrator asks them most.
 *
 * So each topic's subscribers are split into `shards` fixed groups (a socket's shard comes from
 * its id) and a frame is published shard by shard. A turn may hand uWS `turnDeliveries`
 * deliveries (frames × subscribers: the bytes) and new sockets up to `turnSockets` (the writes;
 * a shard already written this turn adds none). Within both, a frame goes out as it arrives,
 * exactly as without a relay; past them, what is left waits in order and goes out in the check
 * phase that follows, the next budget's worth per turn (at least one shard), after the poll
 * phase has served other sockets. One frame to 10,000 sockets is thus written over a few short
 * turns instead of one long one. Past `maxPending` waiting frames the oldest are dropped and
 * counted: under sustained overload memory stays bounded and the loss is visible, not a stall.
 *
 * While anything waits, a socket's own steps (a direct send, a subscribe, a close) wait behind it
 * too (`inOrder`): a socket that subscribes gets only frames queued after it asked, never an older
 * frame after the current snapshot it was sent, and an error frame is not overtaken by its close.
 */

export interface RelayOptions {
  /** Subscribers of one shard of a topic: a shard without any costs no budget. */
  subscribers(topic: string, shard: number): number;
  /** Publishes bytes to one shard of a topic; returns the deliveries (the shard's subscribers reached). */
  publish(topic: string, shard: number, bytes: string | Uint8Array, type: string): number;
  /** Shard groups per topic. Default 1. */
  shards?: number;
  /** Frames dropped because the queue was full, by frame type. */
  onDrop(type: string, frames: number): void;
  /** A frame went to its last shard: its type, the seconds since it was pushed, its deliveries. */
  onSent?(type: string, seconds: number, deliveries: number): void;
  /** Deliveries (frames × subscribers) handed to uWS per event-loop turn before the rest waits. */
  turnDeliveries?: number;
  /** Sockets written per event-loop turn (each shard counted once per turn) before the rest waits. */
  turnSockets?: number;
  /** Frames queued at most; the oldest go first. */
  maxPending?: number;
  /** Runs `fn` in a later turn (tests); default `setImmediate`. */
  schedule?: (fn: () => void) => { cancel(): void };
  /** Monotonic clock in ms (tests); default `performance.now`. */
  now?: () => number;
}

export interface Relay {
  push(topic: string, bytes: string | Uint8Array, type: string): void;
  /** Runs `step` once everything queued before it went out: at once while nothing waits. */
  inOrder(step: () => void): void;
  /** Whether anything waits (frames or steps). */
  busy(): boolean;
  /** Frames waiting. */
  pending(): number;
  /** Forgets what is queued; later pushes and steps are ignored. */
  stop(): void;
}

/** About 30–60 ms of writing after a turn on the benchmark box: room in a 100 ms ops answer. */
export const RELAY_TURN_DELIVERIES = 50_000;
/** About 25–55 ms of one write per socket (8–18 µs each on the benchmark box). */
export const RELAY_TURN_SOCKETS = 3_000;
export const RELAY_MAX_PENDING = 4096;

interface QueuedFrame {
  kind: 'frame';
  topic: string;
  bytes: string | Uint8Array;
  type: string;
  /** The next shard to publish to. */
  shard: number;
  pushedAt: number;
  delivered: number;
}

interface QueuedStep {
  kind: 'step';
  run: () => void;
}

const immediate = (fn: () => void) => {
  const handle = setImmediate(fn);
  return { cancel: () => clearImmediate(handle) };
};

export function createRelay(opts: RelayOptions): Relay {
  const budget = opts.turnDeliveries ?? RELAY_TURN_DELIVERIES;
  const socketBudget = opts.turnSockets ?? RELAY_TURN_SOCKETS;
  const shards = opts.shards ?? 1;
  const max = opts.maxPending ?? RELAY_MAX_PENDING;
  const schedule = opts.schedule ?? immediate;
  const now = opts.now ?? (() => performance.now());
  // A ring would avoid the compaction; the queue is empty unless a turn's budget ran out.
  let queue: Array<QueuedFrame | QueuedStep> = [];
  let head = 0;
  let frames = 0;
  /** Deliveries and new sockets handed to uWS since the current turn began, and its shards. */
  let spent = 0;
  let sockets = 0;
  const touched = new Uint8Array(shards);
  let published = false;
  let scheduled: { cancel(): void } | undefined;
  let stopped = false;

  const exhausted = () => published && (spent >= budget || sockets >= socketBudget);

  /** Publishes the frame's remaining shards within the budget; true when it reached the last. */
  const advance = (f: QueuedFrame): boolean => {
    for (; f.shard < shards; f.shard++) {
      if (opts.subscribers(f.topic, f.shard) === 0) continue;
      if (exhausted()) return false;
      const reached = opts.publish(f.topic, f.shard, f.bytes, f.type);
      published = true;
      spent += reached;
      f.delivered += reached;
      if (touched[f.shard] === 0) {
        touched[f.shard] = 1;
        sockets += reached;
      }
    }
    frames--;
    opts.onSent?.(f.type, (now() - f.pushedAt) / 1000, f.delivered);
    return true;
  };

  /** Works through the queue in order until it is empty or the turn's budget is spent. */
  const pump = () => {
    while (head < queue.length) {
      const item = queue[head]!;
      if (item.kind === 'step') {
        head++;
        item.run();
      } else if (advance(item)) {
        head++;
      } else {
        break;
      }
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    } else if (head > 1024) {
      queue = queue.slice(head);
      head = 0;
    }
    // Something went out, or something waits: a later turn starts afresh (and drains).
    if (published || head < queue.length) scheduled ??= schedule(nextTurn);
  };

  const nextTurn = () => {
    scheduled = undefined;
    spent = 0;
    sockets = 0;
    published = false;
    touched.fill(0);
    pump();
  };

  /** Drops the oldest waiting frame; steps ahead of it run (their turn has come). */
  const dropOldest = () => {
    while (head < queue.length) {
      const item = queue[head++]!;
      if (item.kind === 'step') {
        item.run();
        continue;
      }
      frames--;
      opts.onDrop(item.type, 1);
      return;
    }
  };

  return {
    push(topic, bytes, type) {
      if (stopped) return;
      queue.push({ kind: 'frame', topic, bytes, type, shard: 0, pushedAt: now(), delivered: 0 });
      frames++;
      if (queue.length - head === 1) pump();
      else if (frames > max) dropOldest();
    },
    inOrder(step) {
      if (stopped) return;
      if (head === queue.length) return step();
      queue.push({ kind: 'step', run: step });
    },
    busy: () => head < queue.length,
    pending: () => frames,
    stop() {
      stopped = true;
      scheduled?.cancel();
      scheduled = undefined;
      queue = [];
      head = 0;
      frames = 0;
    },
  };
}
