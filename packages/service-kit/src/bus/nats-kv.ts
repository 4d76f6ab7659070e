/**
 * KvStore on a JetStream KV bucket. Creation is idempotent (replicas race to create the same
 * bucket), deletions read as absent, and watches report the initial set themselves instead of
 * trusting nats.js's `initializedFn` order (it can fire before queued entries are consumed).
 *
 * A watch outlives the server: after the connection comes back (or when nats.js ends the watch
 * on its own) it opens a new one from the revision after the last it delivered, so nothing
 * written meanwhile is missed and nothing is delivered twice. nats.js alone recovers its
 * ordered consumer only after missed idle heartbeats, and not always after a server restart.
 */
import { type KV, type KvEntry as NatsKvEntry, KvWatchInclude, type JetStreamClient, type QueuedIterator } from 'nats';
import { type KvBucketOptions, type KvEntry, type KvStore, type KvWatch, type KvWatchOptions } from './bus';
import { type HandlerErrorReporter } from './handler-errors';
import { isClosedError, isLostCreateRace, mapKvError } from './nats-errors';
import { BusClosedError, BusUnavailableError } from './errors';

/** Registers a listener for the bus's reconnections; returns its removal. */
export type OnReconnect = (listener: () => void) => () => void;

const RESUME_BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];

export async function openNatsKv(
  js: JetStreamClient,
  bucket: string,
  opts: KvBucketOptions,
  report: HandlerErrorReporter,
  /** False while the connection is being re-established: operations then fail at once. */
  online: () => boolean = () => true,
  onReconnect: OnReconnect = () => () => {},
): Promise<KvStore> {
  const options = { history: opts.history ?? 1, ttl: opts.ttlMs ?? 0 };
  let kv: KV;
  try {
    kv = await js.views.kv(bucket, options);
  } catch (err) {
    if (isClosedError(err)) throw new BusClosedError({ cause: err });
    // Another replica created the bucket between our lookup and our create: open it again.
    if (!isLostCreateRace(err)) throw err;
    kv = await js.views.kv(bucket, options);
  }
  return new NatsKv(bucket, kv, report, online, onReconnect);
}

class NatsKv implements KvStore {
  constructor(
    readonly bucket: string,
    private readonly kv: KV,
    private readonly report: HandlerErrorReporter,
    private readonly online: () => boolean,
    private readonly onReconnect: OnReconnect,
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
    const key = opts.key ?? '>';
    const initial = opts.initial !== false;
    let initialDone = false;
    // Deleted keys are skipped only while the initial set is delivered.
    let filtering = initial;
    let consumed = 0;
    let target = -1;
    let returned = false;
    let early = false;
    /** The highest revision delivered: a resumed watch starts after it and skips up to it. */
    let last = 0;
    let stopped = false;
    let resuming = false;
    const finishInitial = (): void => {
      if (initialDone) return;
      initialDone = true;
      filtering = false;
      if (opts.onInitialDone) this.guard(opts.onInitialDone);
    };
    const first = await this.run(key, () =>
      this.kv.watch({
        key,
        include: initial ? KvWatchInclude.LastValue : KvWatchInclude.UpdatesOnly,
        // Called from the iterator (after every earlier entry was consumed) or, before watch()
        // returns, with entries still queued: then the initial set is what was queued so far.
        initializedFn: () => (returned ? finishInitial() : (early = true)),
      }),
    );
    returned = true;
    if (!initial || early) target = initial ? first.getReceived() : 0;
    if (target === 0) queueMicrotask(finishInitial);
    let current: QueuedIterator<NatsKvEntry> = first;

    const consume = (iter: QueuedIterator<NatsKvEntry>, isFirst: boolean): void => {
      void (async () => {
        for await (const e of iter) {
          if (iter !== current) break;
          if (isFirst) consumed += 1;
          if (e.revision > last || isFirst) {
            last = Math.max(last, e.revision);
            if (!filtering || e.operation === 'PUT') this.guard(() => onEntry(toEntry(e)));
          }
          if (isFirst && !initialDone && target > 0 && consumed >= target) finishInitial();
        }
      })()
        .catch((err: unknown) => this.report(err, `kv ${this.bucket} watch`))
        // Ended without stop(): nats.js gave up on its consumer; open a new one.
        .finally(() => iter === current && resume());
    };

    /** Replaces the current watch by one from revision `last + 1`, retrying until it opens. */
    const resume = (): void => {
      // Before the initial set is complete nats.js's own recovery is kept (nothing to resume from).
      if (stopped || resuming || !initialDone) return;
      resuming = true;
      void (async () => {
        for (let attempt = 0; !stopped; attempt++) {
          try {
            const next = await this.kv.watch({ key, include: KvWatchInclude.AllHistory, resumeFromRevision: last + 1 });
            const previous = current;
            current = next;
            previous.stop();
            if (stopped) next.stop();
            else consume(next, false);
            return;
          } catch (_notYet) {
            // JetStream is not answering yet after the reconnection: try again shortly.
            await new Promise((r) => setTimeout(r, RESUME_BACKOFF_MS[Math.min(attempt, RESUME_BACKOFF_MS.length - 1)]));
          }
        }
      })().finally(() => (resuming = false));
    };

    consume(first, true);
    const offReconnect = this.onReconnect(resume);
    return {
      get revision() {
        return last;
      },
      stop: () => {
        stopped = true;
        offReconnect();
        current.stop();
      },
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
