/**
 * The memory engine's KV bucket, with JetStream KV semantics: one revision counter per bucket,
 * soft deletes (a DEL marker holds the key's last revision), compare-and-set on that revision,
 * and a bucket TTL after which entries vanish silently (no watch event, as on the server).
 */
import { type KvBucketOptions, type KvEntry, type KvStore, type KvWatch, type KvWatchOptions } from './bus';
import { KvConflictError } from './errors';
import { subjectMatches } from './subject-match';

interface KvRecord {
  readonly value: Uint8Array;
  readonly revision: number;
  readonly operation: 'PUT' | 'DEL';
  readonly writtenAt: number;
}

interface Watcher {
  active: boolean;
  /** Revision of the last delivered change (deliveries are asynchronous, in write order). */
  revision: number;
  readonly filter: string;
  readonly onEntry: (entry: KvEntry) => void;
}

/** What the bucket needs from its bus. */
export interface MemoryKvContext {
  schedule(label: string, run: () => void): void;
  assertOpen(): void;
}

const KEY = /^[-/_=.a-zA-Z0-9]+$/;
const EMPTY = new Uint8Array(0);

export class MemoryKv implements KvStore {
  private revision = 0;
  private readonly records = new Map<string, KvRecord>();
  private readonly watchers = new Set<Watcher>();
  private readonly ttlMs: number;
  private readonly sweeper: NodeJS.Timeout | undefined;

  constructor(
    readonly bucket: string,
    opts: KvBucketOptions,
    private readonly ctx: MemoryKvContext,
  ) {
    this.ttlMs = opts.ttlMs ?? 0;
    if (this.ttlMs > 0) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(this.ttlMs, 1000));
      this.sweeper.unref();
    }
  }

  async get(key: string): Promise<KvEntry | null> {
    this.ctx.assertOpen();
    const rec = this.current(key);
    return rec?.operation === 'PUT' ? toEntry(key, rec) : null;
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    return this.write(key, value, 'PUT');
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    this.ctx.assertOpen();
    if (this.current(key)?.operation === 'PUT') throw new KvConflictError(this.bucket, key);
    return this.write(key, value, 'PUT');
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<number> {
    this.ctx.assertOpen();
    if ((this.current(key)?.revision ?? 0) !== revision) throw new KvConflictError(this.bucket, key);
    return this.write(key, value, 'PUT');
  }

  async delete(key: string, revision?: number): Promise<void> {
    this.ctx.assertOpen();
    if (revision !== undefined && (this.current(key)?.revision ?? 0) !== revision) {
      throw new KvConflictError(this.bucket, key);
    }
    this.write(key, EMPTY, 'DEL');
  }

  async keys(): Promise<string[]> {
    this.ctx.assertOpen();
    const out: string[] = [];
    for (const key of this.records.keys()) {
      if (this.current(key)?.operation === 'PUT') out.push(key);
    }
    return out;
  }

  async lastRevision(): Promise<number> {
    this.ctx.assertOpen();
    return this.revision;
  }

  async watch(opts: KvWatchOptions, onEntry: (entry: KvEntry) => void): Promise<KvWatch> {
    this.ctx.assertOpen();
    const watcher: Watcher = { active: true, revision: 0, filter: opts.key ?? '>', onEntry };
    if (opts.initial !== false) {
      for (const key of [...this.records.keys()]) {
        const rec = this.current(key);
        if (rec?.operation === 'PUT' && subjectMatches(watcher.filter, key)) this.notify(watcher, key, rec);
      }
    }
    // Everything written so far is covered once the initial set is out (skipped deletions too).
    const caughtUp = this.revision;
    this.ctx.schedule(this.bucket, () => {
      watcher.revision = Math.max(watcher.revision, caughtUp);
      if (watcher.active) opts.onInitialDone?.();
    });
    this.watchers.add(watcher);
    return {
      get revision() {
        return watcher.revision;
      },
      stop: () => {
        watcher.active = false;
        this.watchers.delete(watcher);
      },
    };
  }

  /** Stops timers and watchers when the bus closes. */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const w of this.watchers) w.active = false;
    this.watchers.clear();
  }

  private write(key: string, value: Uint8Array, operation: 'PUT' | 'DEL'): number {
    this.ctx.assertOpen();
    if (!KEY.test(key) || key.startsWith('.') || key.endsWith('.')) throw new Error(`invalid kv key "${key}"`);
    const rec: KvRecord = { value, revision: ++this.revision, operation, writtenAt: Date.now() };
    this.records.set(key, rec);
    for (const w of this.watchers) {
      if (subjectMatches(w.filter, key)) this.notify(w, key, rec);
    }
    return rec.revision;
  }

  private notify(watcher: Watcher, key: string, rec: KvRecord): void {
    const entry = toEntry(key, rec);
    this.ctx.schedule(this.bucket, () => {
      watcher.revision = Math.max(watcher.revision, rec.revision);
      if (watcher.active) watcher.onEntry(entry);
    });
  }

  /** The key's latest record, dropping it first if the bucket TTL expired it. */
  private current(key: string): KvRecord | undefined {
    const rec = this.records.get(key);
    if (rec && this.ttlMs > 0 && Date.now() - rec.writtenAt >= this.ttlMs) {
      this.records.delete(key);
      return undefined;
    }
    return rec;
  }

  private sweep(): void {
    for (const key of [...this.records.keys()]) this.current(key);
  }
}

function toEntry(key: string, rec: KvRecord): KvEntry {
  return { key, value: rec.value, revision: rec.revision, operation: rec.operation };
}
