/**
 * The Bus port: the only way services talk to each other. Two engines implement it,
 * `nats-bus.ts` (NATS core + JetStream KV/streams) and `memory-bus.ts` (one process, same
 * semantics), and both pass the one contract suite in `bus-contract.ts`.
 *
 * Payloads are bytes: typing and validation live at the edges (`@arcp/protocol` schemas), so a
 * gateway can forward an already-encoded frame without decoding it.
 */

/** One message delivered to a subscriber or returned by a request. */
export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /** Answers a request; false when the message carried no reply subject. */
  respond(data: Uint8Array): boolean;
}

export interface Subscription {
  unsubscribe(): void;
}

export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group only (load sharing). */
  queue?: string;
}

export interface RequestOptions {
  timeoutMs: number;
}

/** A KV entry as read or watched. `value` is empty and `operation` is not PUT for deletions. */
export interface KvEntry {
  readonly key: string;
  readonly value: Uint8Array;
  readonly revision: number;
  readonly operation: 'PUT' | 'DEL' | 'PURGE';
}

export interface KvWatchOptions {
  /** Key filter, NATS style (`*` one token, `>` the rest). Default: every key. */
  key?: string;
  /**
   * Deliver the current value of every matching key first (deleted keys skipped), then call
   * `onInitialDone` once, then live updates. Default true.
   */
  initial?: boolean;
  onInitialDone?: () => void;
}

export interface KvWatch {
  /**
   * The bucket revision this watch has caught up with: every change up to it (deleted keys
   * included) has been handed to the callback. With `lastRevision()` this is the read-your-writes
   * barrier: a reader that waits until `revision >= await kv.lastRevision()` has seen every write
   * acknowledged before it asked. Meaningful for a watch of every key (a filtered watch never
   * sees the revisions of other keys).
   */
  readonly revision: number;
  stop(): void;
}

export interface KvBucketOptions {
  /** Entries older than this are removed by the server (leases, revocations). 0 = forever. */
  ttlMs?: number;
  /** Revisions kept per key. Default 1. */
  history?: number;
}

/** A key/value bucket with compare-and-set, the registry's durable directory and the leases. */
export interface KvStore {
  readonly bucket: string;
  get(key: string): Promise<KvEntry | null>;
  /** Unconditional write; resolves with the new revision once durable. */
  put(key: string, value: Uint8Array): Promise<number>;
  /** Write only if the key does not exist (or was deleted); rejects with KvConflictError otherwise. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Write only if the key's current revision is `revision`; rejects with KvConflictError otherwise. */
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  /** Delete; with `revision`, only if it is still the current one (KvConflictError otherwise). */
  delete(key: string, revision?: number): Promise<void>;
  /** Keys that currently hold a value. */
  keys(): Promise<string[]>;
  /** The bucket's newest revision (0 when nothing was ever written): one server round trip. */
  lastRevision(): Promise<number>;
  watch(opts: KvWatchOptions, onEntry: (entry: KvEntry) => void): Promise<KvWatch>;
}

export interface StreamOptions {
  /** Subjects the stream captures (messages published there are stored). */
  subjects: string[];
  /** Oldest messages are discarded beyond this many. */
  maxMsgs: number;
}

export interface StoredMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly seq: number;
  readonly time: Date;
}

/** A bounded, durable log of messages (dashboard logs and alerts). */
export interface StreamStore {
  readonly name: string;
  /** Publish to a captured subject and wait until stored; resolves with the sequence. */
  append(subject: string, data: Uint8Array): Promise<number>;
  /** The newest `n` messages, oldest first. */
  last(n: number): Promise<StoredMessage[]>;
  /** Messages with sequence > `afterSeq`, oldest first, at most `limit`. */
  after(afterSeq: number, limit: number): Promise<StoredMessage[]>;
  /** Removes every message; sequences keep increasing. */
  purge(): Promise<void>;
}

export type BusStatus = 'connected' | 'reconnecting' | 'closed';

export interface Bus {
  /** Engine name for logs and health (`nats` or `memory`). */
  readonly engine: 'nats' | 'memory';
  /** Fire-and-forget publish (at most once). */
  publish(subject: string, data: Uint8Array): void;
  /**
   * Subscribe with a synchronous callback. Messages that arrive in one network read are
   * delivered in the same event-loop turn, which lets gateways coalesce socket writes.
   * A throwing handler is caught and counted; it never tears the subscription down.
   */
  subscribe(subject: string, handler: (msg: BusMessage) => void, opts?: SubscribeOptions): Subscription;
  /** Request/reply; rejects with BusTimeoutError or BusNoResponderError. */
  request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<BusMessage>;
  kv(bucket: string, opts?: KvBucketOptions): Promise<KvStore>;
  stream(name: string, opts: StreamOptions): Promise<StreamStore>;
  status(): BusStatus;
  /** Resolves once every publish so far reached the server (no-op in memory). */
  flush(): Promise<void>;
  /** Graceful: let subscriptions finish in-flight messages, then close. */
  drain(): Promise<void>;
  close(): Promise<void>;
}
