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
 * its id), and each shard has its own queue: a frame joins every shard's queue, a socket's own
 * steps (a direct send, a subscribe, a close: `inOrder`) join its shard's queue only. A turn may
 * hand uWS `turnDeliveries` deliveries (frames × subscribers: the bytes) and write up to
 * `turnSockets` sockets (a shard counts once per turn, however many frames it takes). It goes
 * round the shards it may write, one item of each per round, so every shard it serves gets the
 * same frames, in order, and a socket's write carries all of them. Within both budgets a frame
 * goes out as it arrives, exactly as without a relay; past them, what is left waits and goes out
 * in the check phase that follows, starting with the shards that waited, after the poll phase
 * has served other sockets. One frame to 10,000 sockets is thus written over a few short turns
 * instead of one long one. Past `maxPending` waiting frames the oldest is dropped and counted:
 * under sustained overload memory stays bounded and the loss is visible, not a stall.
 *
 * A step waits only for what its own shard holds: a socket that subscribes gets only frames
 * queued after it asked, never one older than the snapshot it was just sent, and an error frame
 * is not overtaken by its own close.
 */

export interface RelayOptions {
  /** Subscribers of one shard of a topic: a shard without any costs no budget. */
  subscribers(topic: string, shard: number): number;
  /**
   * Publishes bytes to one shard of a topic, whose `subscribers` were just counted; returns the
   * deliveries (the shard's subscribers reached).
   */
  publish(topic: string, shard: number, bytes: string | Uint8Array, type: string, subscribers: number): number;
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
  /** Runs `step` once everything `shard` holds went out: at once while it holds nothing. */
  inOrder(shard: number, step: () => void): void;
  /** Whether `shard` (default: any shard) holds anything. */
  busy(shard?: number): boolean;
  /** Frames waiting. */
  pending(): number;
  /** Forgets what is queued; later pushes and steps are ignored. */
  stop(): void;
}

/**
 * Per turn: 20,000 deliveries and 1,000 sockets. Measured on the benchmark box (fanout, 10,000
 * subscribers, frames from NATS): 3,000 sockets and 50,000 deliveries per turn left `/metrics`
 * waiting up to 154 ms and sustained 177k deliveries/s; 1,000 and 20,000 answered within 70 ms
 * at every step and sustained 1.6M, because each shard waits a few turns and then takes all its
 * frames in one write per socket. At 1,000 subscribers a turn still reaches every socket.
 */
export const RELAY_TURN_DELIVERIES = 20_000;
export const RELAY_TURN_SOCKETS = 1_000;
export const RELAY_MAX_PENDING = 4096;

interface QueuedFrame {
  topic: string;
  bytes: string | Uint8Array;
  type: string;
  /** Shards that have not had it yet. */
  left: number;
  dropped: boolean;
  pushedAt: number;
  delivered: number;
}

type Item = QueuedFrame | (() => void);

/** One shard's queue: items from `head` on wait. */
interface ShardQueue {
  items: Item[];
  head: number;
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
  const queues: ShardQueue[] = Array.from({ length: shards }, () => ({ items: [], head: 0 }));
  /** Frames not yet sent to every shard, oldest first (dropped or finished ones are skipped). */
  let order: QueuedFrame[] = [];
  let orderHead = 0;
  let frames = 0;
  /** Items waiting across shards. */
  let waiting = 0;
  /** Deliveries and sockets handed to uWS since the current turn began, and its shards. */
  let spent = 0;
  let sockets = 0;
  const touched = new Uint8Array(shards);
  let published = false;
  /** The shard a turn starts with: the first one the last turn could not serve. */
  let cursor = 0;
  let scheduled: { cancel(): void } | undefined;
  let stopped = false;

  const finish = (f: QueuedFrame) => {
    if (--f.left > 0 || f.dropped) return;
    frames--;
    opts.onSent?.(f.type, (now() - f.pushedAt) / 1000, f.delivered);
  };

  const take = (q: ShardQueue) => {
    q.items[q.head++] = undefined as unknown as Item;
    waiting--;
    if (q.head === q.items.length) {
      q.items = [];
      q.head = 0;
    } else if (q.head > 1024) {
      q.items = q.items.slice(q.head);
      q.head = 0;
    }
  };

  /**
   * Handles the head item of `shard`: 'done' when it went (or cost nothing), 'socket' when the
   * shard may not be written this turn, 'deliveries' when the turn's deliveries are spent.
   */
  const step = (shard: number): 'done' | 'socket' | 'deliveries' => {
    const q = queues[shard]!;
    const item = q.items[q.head]!;
    if (typeof item === 'function') {
      take(q);
      item();
      return 'done';
    }
    if (item.dropped) {
      take(q);
      return 'done';
    }
    const n = opts.subscribers(item.topic, shard);
    if (n > 0) {
      if (published && touched[shard] === 0 && sockets >= socketBudget) return 'socket';
      if (published && spent >= budget) return 'deliveries';
      const reached = opts.publish(item.topic, shard, item.bytes, item.type, n);
      published = true;
      spent += reached;
      item.delivered += reached;
      if (touched[shard] === 0) {
        touched[shard] = 1;
        sockets += reached;
      }
    }
    take(q);
    finish(item);
    return 'done';
  };

  /** Goes round the shards, one item each per round, until nothing waits or the budget is spent. */
  const pump = () => {
    let skipped = -1;
    for (let progressed = true; progressed && waiting > 0;) {
      progressed = false;
      for (let i = 0; i < shards; i++) {
        const shard = (cursor + i) % shards;
        const q = queues[shard]!;
        if (q.head === q.items.length) continue;
        const outcome = step(shard);
        if (outcome === 'deliveries') {
          progressed = false;
          if (skipped < 0) skipped = shard;
          break;
        }
        if (outcome === 'socket') {
          if (skipped < 0) skipped = shard;
          continue;
        }
        progressed = true;
      }
    }
    if (skipped >= 0) cursor = skipped;
    // Something went out, or something waits: a later turn starts afresh (and drains).
    if (published || waiting > 0) scheduled ??= schedule(nextTurn);
  };

  const nextTurn = () => {
    scheduled = undefined;
    spent = 0;
    sockets = 0;
    published = false;
    touched.fill(0);
    pump();
  };

  /** Drops the oldest frame still waiting for a shard. */
  const dropOldest = () => {
    while (orderHead < order.length) {
      const f = order[orderHead++]!;
      if (f.left === 0 || f.dropped) continue;
      f.dropped = true;
      frames--;
      opts.onDrop(f.type, 1);
      return;
    }
  };

  return {
    push(topic, bytes, type) {
      if (stopped) return;
      const frame: QueuedFrame = { topic, bytes, type, left: shards, dropped: false, pushedAt: now(), delivered: 0 };
      for (const q of queues) q.items.push(frame);
      waiting += shards;
      frames++;
      order.push(frame);
      if (frames > max) dropOldest();
      pump();
      // Forget frames that went out (or were dropped) from the front of the age order.
      while (orderHead < order.length && (order[orderHead]!.left === 0 || order[orderHead]!.dropped)) orderHead++;
      if (orderHead > 1024 || order.length - orderHead > 4 * max) {
        order = order.slice(orderHead).filter((f) => f.left > 0 && !f.dropped);
        orderHead = 0;
      }
    },
    inOrder(shard, run) {
      if (stopped) return;
      const q = queues[shard]!;
      if (q.head === q.items.length) return run();
      q.items.push(run);
      waiting++;
    },
    busy: (shard) => (shard === undefined ? waiting > 0 : queues[shard]!.head < queues[shard]!.items.length),
    pending: () => frames,
    stop() {
      stopped = true;
      scheduled?.cancel();
      scheduled = undefined;
      for (const q of queues) {
        q.items = [];
        q.head = 0;
      }
      order = [];
      orderHead = 0;
      waiting = 0;
      frames = 0;
    },
  };
}
