/**
 * KvStore on a JetStream KV bucket. Creation is idempotent (replicas race to create the same
 * bucket) and raises an existing bucket to the configured replica count; deletions read as
 * absent. Reads go through nats.js's KV; writes are published here as nats.js's KV would, with
 * a message id so that they ride out a stream leader election (`nats-retry.ts`); watches resume
 * after a reconnection or the loss of their consumer's node (`nats-kv-watch.ts`). While the
 * connection is being re-established an operation fails at once, or waits for the move to another
 * node of a cluster (`nats-availability.ts`).
 */
import { headers, type JetStreamClient, type JetStreamManager, type KV, type KvEntry as NatsKvEntry, type MsgHdrs } from 'nats';
import { type KvBucketOptions, type KvEntry, type KvStore, type KvWatch, type KvWatchOptions } from './bus';
import { BusClosedError, KvConflictError } from './errors';
import { type HandlerErrorReporter } from './handler-errors';
import { type Availability, whenAvailable } from './nats-availability';
import { isClosedError, isLostCreateRace, mapKvError } from './nats-errors';
import { KV_OPERATION, watchNatsKv, type OnReconnect } from './nats-kv-watch';
import { creationError, ensureReplicas, type ReplicaPolicy } from './nats-replicas';
import { retrySetup, retryWrite, writeId } from './nats-retry';

/** What the engine hands every bucket it opens. */
export interface NatsStoreContext {
  js: JetStreamClient;
  /** The same JetStream with a short API timeout, for the watches' consumers. */
  watchJs: JetStreamClient;
  jsm: JetStreamManager;
  policy: ReplicaPolicy;
  report: HandlerErrorReporter;
  /** How long a write is retried while no stream leader answers (an election). */
  writeRetryMs: number;
  /** Idle heartbeat of a watch's consumer: a lost consumer is recreated after two missed. */
  watchHeartbeatMs: number;
  /** Online, failing over to another node of a cluster (operations wait), or offline (they fail). */
  availability: () => Availability;
  /** The bus's reconnections, after which watches resume. */
  onReconnect: OnReconnect;
}

/** nats.js's JetStream API timeout (its default), for error messages. */
const API_TIMEOUT_MS = 5000;
/** Delete markers remembered per bucket (oldest forgotten first): a recreate costs one write. */
const TOMBSTONES_KEPT = 10_000;
/** The keys nats.js's KV accepts (it checks them on its own writes; ours bypass them). */
const VALID_KEY = /^[-/=.\w]+$/;

export async function openNatsKv(ctx: NatsStoreContext, bucket: string, opts: KvBucketOptions): Promise<KvStore> {
  const options = { history: opts.history ?? 1, ttl: opts.ttlMs ?? 0, replicas: ctx.policy.replicas };
  const open = async () => {
    try {
      return await retrySetup(() => ctx.js.views.kv(bucket, options));
    } catch (err) {
      if (isClosedError(err)) throw new BusClosedError({ cause: err });
      throw err;
    }
  };
  let kv: KV;
  try {
    kv = await open();
  } catch (err) {
    // Another replica created the bucket between our lookup and our create: open it again.
    if (err instanceof BusClosedError) throw err;
    if (!isLostCreateRace(err)) throw creationError('bucket', bucket, ctx.policy, err);
    kv = await open();
  }
  await ensureReplicas(ctx.jsm, `KV_${bucket}`, ctx.policy);
  return new NatsKv(bucket, kv, ctx);
}

class NatsKv implements KvStore {
  /**
   * Revisions of delete markers this process wrote or read, by key. A create on a deleted key
   * (an agent registering again after it left) then expects that revision in its one write,
   * instead of a refused write, a read and a second write; when the key moved on meanwhile the
   * create falls back to that longer path, so a stale entry costs one round trip, never a result.
   */
  private readonly tombstones = new Map<string, number>();

  constructor(
    readonly bucket: string,
    private readonly kv: KV,
    private readonly ctx: NatsStoreContext,
  ) {}

  async get(key: string): Promise<KvEntry | null> {
    const e = await this.run(key, () => this.kv.get(key));
    if (e && e.operation !== 'PUT') this.rememberTombstone(key, e.revision);
    return e && e.operation === 'PUT' ? toEntry(e) : null;
  }

  put(key: string, value: Uint8Array): Promise<number> {
    return this.write(key, value);
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    const tombstone = this.tombstones.get(key);
    if (tombstone !== undefined) {
      try {
        return await this.write(key, value, { expect: tombstone });
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
        this.tombstones.delete(key);
      }
    }
    try {
      return await this.write(key, value, { expect: 0 });
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
    // The key exists, but a deleted key (its last revision a delete marker) may be created again.
    const last = await this.run(key, () => this.kv.get(key));
    if (!last || last.operation === 'PUT') throw new KvConflictError(this.bucket, key);
    return this.write(key, value, { expect: last.revision });
  }

  update(key: string, value: Uint8Array, revision: number): Promise<number> {
    // Revision 0 means "must not exist", as in memory.
    return this.write(key, value, { expect: revision });
  }

  async delete(key: string, revision?: number): Promise<void> {
    const h = headers();
    h.set(KV_OPERATION, 'DEL');
    const marker = await this.write(key, new Uint8Array(0), { ...(revision === undefined ? {} : { expect: revision }), headers: h });
    this.rememberTombstone(key, marker);
  }

  async lastRevision(): Promise<number> {
    const status = await this.run('>', () => this.kv.status());
    return status.streamInfo.state.last_seq;
  }

  async keys(): Promise<string[]> {
    const out: string[] = [];
    const iter = await this.run('>', () => this.kv.keys());
    for await (const key of iter) out.push(key);
    return out;
  }

  watch(opts: KvWatchOptions, onEntry: (entry: KvEntry) => void): Promise<KvWatch> {
    const { watchJs: js, report, watchHeartbeatMs, onReconnect, policy } = this.ctx;
    const context = {
      js,
      bucket: this.bucket,
      heartbeatMs: watchHeartbeatMs,
      report,
      onReconnect,
      ...(policy.logger ? { logger: policy.logger } : {}),
    };
    return this.run(opts.key ?? '>', () => watchNatsKv(context, opts, onEntry));
  }

  /**
   * One write to the bucket's stream (what nats.js's `kv.put` sends, plus a message id), with
   * `expect` the compare-and-set on the key's last revision; sent again through an election.
   */
  private async write(key: string, value: Uint8Array, opts: { expect?: number; headers?: MsgHdrs } = {}): Promise<number> {
    if (!VALID_KEY.test(key) || key.startsWith('.') || key.endsWith('.')) throw new Error(`invalid key: ${key}`);
    const msgID = writeId();
    const subject = `$KV.${this.bucket}.${key}`;
    const expect = opts.expect === undefined ? {} : { lastSubjectSequence: opts.expect };
    try {
      const attempt = (timeout: number) =>
        this.ctx.js.publish(subject, value, { msgID, timeout, expect, ...(opts.headers ? { headers: opts.headers } : {}) });
      const ack = await retryWrite(attempt, this.ctx.writeRetryMs, this.ctx.availability);
      this.tombstones.delete(key);
      return ack.seq;
    } catch (err) {
      throw mapKvError(err, this.bucket, key, this.ctx.writeRetryMs);
    }
  }

  private rememberTombstone(key: string, revision: number): void {
    this.tombstones.delete(key);
    this.tombstones.set(key, revision);
    if (this.tombstones.size > TOMBSTONES_KEPT) this.tombstones.delete(this.tombstones.keys().next().value!);
  }

  private async run<T>(key: string, op: () => Promise<T>): Promise<T> {
    await whenAvailable(this.ctx.availability, Date.now() + this.ctx.writeRetryMs);
    try {
      return await op();
    } catch (err) {
      throw mapKvError(err, this.bucket, key, API_TIMEOUT_MS);
    }
  }
}

function toEntry(e: NatsKvEntry): KvEntry {
  return { key: e.key, value: e.value, revision: e.revision, operation: e.operation };
}
