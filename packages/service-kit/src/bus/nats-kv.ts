/**
 * KvStore on a JetStream KV bucket. Creation is idempotent (replicas race to create the same
 * bucket), deletions read as absent, and watches report the initial set themselves instead of
 * trusting nats.js's `initializedFn` order (it can fire before queued entries are consumed).
 */
import { type KV, type KvEntry as NatsKvEntry, KvWatchInclude, type JetStreamClient } from 'nats';
import { type KvBucketOptions, type KvEntry, type KvStore, type KvWatch, type KvWatchOptions } from './bus';
import { type HandlerErrorReporter } from './handler-errors';
import { isClosedError, mapKvError } from './nats-errors';
import { BusClosedError, BusUnavailableError } from './errors';

export async function openNatsKv(
  js: JetStreamClient,
  bucket: string,
  opts: KvBucketOptions,
  report: HandlerErrorReporter,
  /** False while the connection is being re-established: operations then fail at once. */
  online: () => boolean = () => true,
): Promise<KvStore> {
  const options = { history: opts.history ?? 1, ttl: opts.ttlMs ?? 0 };
  let kv: KV;
  try {
    kv = await js.views.kv(bucket, options);
  } catch (err) {
    if (isClosedError(err)) throw new BusClosedError({ cause: err });
    // Another replica created the bucket between our lookup and our create: open it again.
    if (!/already in use/i.test((err as Error).message)) throw err;
    kv = await js.views.kv(bucket, options);
  }
  return new NatsKv(bucket, kv, report, online);
}

class NatsKv implements KvStore {
  constructor(
    readonly bucket: string,
    private readonly kv: KV,
    private readonly report: HandlerErrorReporter,
    private readonly online: () => boolean,
  ) {}

  async get(key: string): Promise<KvEntry | null> {
    const e = await this.run(key, () => this.kv.get(key));
    return e && e.operation === 'PUT' ? toEntry(e) : null;
  }

  put(key: string, value: Uint8Array): Promise<number> {
    return this.run(key, () => this.kv.put(key, value));
  }

  create(key: string, value: Uint8Array): Promise<number> {
    return this.run(key, () => this.kv.create(key, value));
  }

  update(key: string, value: Uint8Array, revision: number): Promise<number> {
    // put with previousSeq (not kv.update) so revision 0 means "must not exist", as in memory.
    return this.run(key, () => this.kv.put(key, value, { previousSeq: revision }));
  }

  async delete(key: string, revision?: number): Promise<void> {
    await this.run(key, () => this.kv.delete(key, revision === undefined ? undefined : { previousSeq: revision }));
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

  async watch(opts: KvWatchOptions, onEntry: (entry: KvEntry) => void): Promise<KvWatch> {
    const initial = opts.initial !== false;
    let initialDone = false;
    // Deleted keys are skipped only while the initial set is delivered.
    let filtering = initial;
    let consumed = 0;
    let target = -1;
    let returned = false;
    let early = false;
    let revision = 0;
    const finishInitial = (): void => {
      if (initialDone) return;
      initialDone = true;
      filtering = false;
      if (opts.onInitialDone) this.guard(opts.onInitialDone);
    };
    const iter = await this.run(opts.key ?? '>', () =>
      this.kv.watch({
        key: opts.key ?? '>',
        include: initial ? KvWatchInclude.LastValue : KvWatchInclude.UpdatesOnly,
        // Called from the iterator (after every earlier entry was consumed) or, before watch()
        // returns, with entries still queued: then the initial set is what was queued so far.
        initializedFn: () => (returned ? finishInitial() : (early = true)),
      }),
    );
    returned = true;
    if (!initial || early) target = initial ? iter.getReceived() : 0;
    if (target === 0) queueMicrotask(finishInitial);
    void (async () => {
      for await (const e of iter) {
        consumed += 1;
        revision = Math.max(revision, e.revision);
        if (!filtering || e.operation === 'PUT') this.guard(() => onEntry(toEntry(e)));
        if (!initialDone && target > 0 && consumed >= target) finishInitial();
      }
    })().catch((err: unknown) => this.report(err, `kv ${this.bucket} watch`));
    return {
      get revision() {
        return revision;
      },
      stop: () => iter.stop(),
    };
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.report(err, `kv ${this.bucket}`);
    }
  }

  private async run<T>(key: string, op: () => Promise<T>): Promise<T> {
    if (!this.online()) throw new BusUnavailableError();
    try {
      return await op();
    } catch (err) {
      throw mapKvError(err, this.bucket, key);
    }
  }
}

function toEntry(e: NatsKvEntry): KvEntry {
  return { key: e.key, value: e.value, revision: e.revision, operation: e.operation };
}
