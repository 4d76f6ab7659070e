/**
 * The read side of the agent directory port: a local model of the agents bucket (KV watch),
 * with lazy liveness, ordered change notifications, the revision it has caught up with, and the
 * read-your-writes barrier `sync()`: once the registry has acknowledged a write, a reader that
 * awaits `sync()` reflects it, whichever replica wrote it.
 *
 * Changes that matter to watchers (membership, effective status, registration content) are
 * announced one by one, synchronously, in bucket order; heartbeats that only move `last_seen` and
 * metrics updates are applied silently (they bump `freshness`, not `version`).
 */
import {
  effectiveStatus,
  parseDirectoryKey,
  type AgentMetrics,
  type AgentStatus,
  type StoredAgent,
  type StoredRegistration,
} from '@arcp/protocol';
import { followKv, type Bus, type KvEntry, type KvStore, type KvWatch, type LoggerLike } from '@arcp/service-kit';
import type { Registry } from 'prom-client';
import { directoryMetrics, type DirectoryMetrics } from './metrics';
import { singleFlightAfterCall, withTimeout } from './barrier';
import { assemble, decodeLegacy, decodeLiveness, decodeMetrics, decodeRegistration, type Liveness } from './records';

export type DirectoryChangeKind = 'registered' | 'updated' | 'status' | 'unregistered';

export interface DirectoryChange {
  readonly kind: DirectoryChangeKind;
  readonly agentId: string;
  /** Effective status after the change (absent for `unregistered`). */
  readonly status?: AgentStatus;
}

/** `ok`: the model reflects every write acknowledged before the call; `timeout`: not within the bound; `unavailable`: the bus could not tell. */
export type SyncResult = 'ok' | 'timeout' | 'unavailable';

export interface DirectoryReaderOptions {
  bus: Pick<Bus, 'kv' | 'status'>;
  bucket: string;
  logger: LoggerLike;
  heartbeatTimeoutMs: number;
  /** How often alive agents are re-checked for expiry. Default 1000 ms. */
  expiryCheckMs?: number;
  /** Default bound of `sync()`. Default 250 ms. */
  syncTimeoutMs?: number;
  /** Directory metrics (`arcp_directory_*`) are registered here when given. */
  registry?: Registry;
  now?: () => number;
}

export interface DirectoryReader {
  /** Starts the watch; resolves once the bucket's current content is loaded. */
  start(): Promise<void>;
  stop(): void;
  readonly ready: boolean;
  /** The bucket revision this model has caught up with. */
  readonly revision: number;
  /** Bumped by every announced change: a cache key for views of membership and status. */
  readonly version: number;
  /** Bumped by every applied record, heartbeats and metrics included. */
  readonly freshness: number;
  /** Every agent (alive and dead), in registration order. */
  all(): readonly StoredAgent[];
  get(id: string): StoredAgent | undefined;
  /** Effective status (lazy liveness applied) as of the last evaluation. */
  statusOf(id: string): AgentStatus | undefined;
  /**
   * Agents with liveness or metrics records but no registration (a removal interrupted between
   * its writes, or a registration being written), with their last heartbeat if known.
   */
  leftovers(): Array<{ agentId: string; lastSeenMs: number | undefined }>;
  /** Called for every announced change, in order; returns an unsubscribe function. */
  onChange(listener: (change: DirectoryChange) => void): () => void;
  /**
   * Waits until the model reflects every write acknowledged before the call (bounded by
   * `timeoutMs`, default the reader's `syncTimeoutMs`). Never rejects.
   */
  sync(timeoutMs?: number): Promise<SyncResult>;
}

interface Entry {
  registration?: StoredRegistration;
  /** Registration content as JSON, to tell a rewrite from a change. */
  signature?: string;
  liveness?: Liveness;
  metrics?: AgentMetrics;
  legacy?: StoredAgent;
  /** Effective status when last evaluated. */
  status: AgentStatus;
  /** The assembled agent, until one of its records changes. */
  agent?: StoredAgent;
}

interface Waiter {
  readonly target: number;
  readonly resolve: (result: SyncResult) => void;
}

const present = (e: Entry): boolean => e.registration !== undefined || e.legacy !== undefined;

export function createDirectoryReader(opts: DirectoryReaderOptions): DirectoryReader {
  const now = opts.now ?? Date.now;
  const metrics: DirectoryMetrics | undefined = opts.registry ? directoryMetrics(opts.registry) : undefined;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(change: DirectoryChange) => void>();
  let order: string[] | undefined;
  let snapshot: { freshness: number; agents: StoredAgent[] } | undefined;
  let kv: KvStore | undefined;
  let watch: KvWatch | undefined;
  let ready = false;
  let version = 0;
  let freshness = 0;
  let waiters: Waiter[] = [];
  let expiryTimer: NodeJS.Timeout | undefined;

  const revisionNow = () => watch?.revision ?? 0;

  const announce = (change: DirectoryChange) => {
    version++;
    if (!ready) return;
    for (const listener of [...listeners]) {
      try {
        listener(change);
      } catch (err) {
        opts.logger.error({ err }, 'directory change listener failed');
      }
    }
  };

  const evaluate = (e: Entry, t: number): AgentStatus => {
    const live = e.registration ? e.liveness : e.legacy;
    return live ? effectiveStatus(live, t, opts.heartbeatTimeoutMs) : 'dead';
  };

  const unreadable = (entry: KvEntry) => {
    metrics?.invalidRecords.inc();
    opts.logger.warn({ bucket: opts.bucket, key: entry.key, revision: entry.revision }, 'skipping an unreadable agent directory record');
  };

  /** Applies one record; returns false when it could not be read (the previous state stays). */
  const store = (e: Entry, kind: string, entry: KvEntry): boolean => {
    const put = entry.operation === 'PUT';
    switch (kind) {
      case 'liveness': {
        const value = put ? decodeLiveness(entry.value) : undefined;
        if (put && !value) return false;
        e.liveness = value;
        return true;
      }
      case 'registration': {
        const value = put ? decodeRegistration(entry.value) : undefined;
        if (put && !value) return false;
        if (value?.agent_id !== undefined && value.agent_id !== parseDirectoryKey(entry.key)?.agentId) return false;
        e.registration = value;
        e.signature = value && JSON.stringify(value);
        return true;
      }
      case 'metrics': {
        const value = put ? decodeMetrics(entry.value) : undefined;
        if (put && !value) return false;
        e.metrics = value;
        return true;
      }
      default: {
        const value = put ? decodeLegacy(entry.value) : undefined;
        if (put && (!value || value.agent_id !== entry.key)) return false;
        e.legacy = value;
        if (!e.registration) e.signature = value && legacySignature(value);
        return true;
      }
    }
  };

  const apply = (entry: KvEntry) => {
    const key = parseDirectoryKey(entry.key);
    if (!key) return unreadable(entry);
    const id = key.agentId;
    const e = entries.get(id) ?? { status: 'dead' as AgentStatus };
    const wasPresent = present(e);
    const before = { status: e.status, signature: e.signature, registeredAt: (e.registration ?? e.legacy)?.registered_at };
    if (!store(e, key.kind, entry)) unreadable(entry);
    else {
      e.agent = undefined;
      freshness++;
      e.status = evaluate(e, now());
      const isPresent = present(e);
      if (!isPresent && !e.liveness && !e.metrics) entries.delete(id);
      else entries.set(id, e);
      if (wasPresent !== isPresent || before.registeredAt !== (e.registration ?? e.legacy)?.registered_at) order = undefined;
      if (!wasPresent && isPresent) announce({ kind: 'registered', agentId: id, status: e.status });
      else if (wasPresent && !isPresent) announce({ kind: 'unregistered', agentId: id });
      else if (isPresent && before.signature !== e.signature) announce({ kind: 'updated', agentId: id, status: e.status });
      else if (isPresent && before.status !== e.status) announce({ kind: 'status', agentId: id, status: e.status });
    }
    release();
  };

  /** Lazy liveness: an alive agent whose heartbeat is older than the timeout turns dead here. */
  const checkExpiry = () => {
    const t = now();
    for (const [id, e] of entries) {
      if (e.status !== 'alive' || !present(e)) continue;
      if (evaluate(e, t) === 'dead') {
        e.status = 'dead';
        e.agent = undefined;
        freshness++;
        announce({ kind: 'status', agentId: id, status: 'dead' });
      }
    }
  };

  /** Resolves the waiters whose revision the model has reached. */
  const release = () => {
    if (waiters.length === 0) return;
    const reached = revisionNow();
    const still: Waiter[] = [];
    for (const w of waiters) {
      if (reached >= w.target) w.resolve('ok');
      else still.push(w);
    }
    waiters = still;
  };

  const latest = singleFlightAfterCall(() => {
    if (!kv) return Promise.reject(new Error('directory reader not started'));
    return kv.lastRevision();
  });

  const assembled = (e: Entry): StoredAgent => {
    if (!e.agent) {
      const base = e.registration ? assemble(e.registration, e.liveness, e.metrics) : e.legacy!;
      e.agent = base.status === e.status ? base : { ...base, status: e.status };
    }
    return e.agent;
  };

  return {
    async start() {
      kv = await opts.bus.kv(opts.bucket);
      watch = await followKv(kv, apply);
      ready = true;
      release();
      expiryTimer = setInterval(checkExpiry, opts.expiryCheckMs ?? 1000);
      expiryTimer.unref();
    },
    stop() {
      watch?.stop();
      watch = undefined;
      clearInterval(expiryTimer);
      ready = false;
      for (const w of waiters.splice(0)) w.resolve('unavailable');
    },
    get ready() {
      return ready;
    },
    get revision() {
      return revisionNow();
    },
    get version() {
      return version;
    },
    get freshness() {
      return freshness;
    },
    all() {
      if (snapshot?.freshness !== freshness) {
        order ??= [...entries.entries()]
          .filter(([, e]) => present(e))
          .sort(([ia, a], [ib, b]) => byRegistration(ia, a, ib, b))
          .map(([id]) => id);
        snapshot = { freshness, agents: order.map((id) => assembled(entries.get(id)!)) };
      }
      return snapshot.agents;
    },
    get(id) {
      const e = entries.get(id);
      return e && present(e) ? assembled(e) : undefined;
    },
    statusOf(id) {
      const e = entries.get(id);
      return e && present(e) ? e.status : undefined;
    },
    leftovers() {
      const out: Array<{ agentId: string; lastSeenMs: number | undefined }> = [];
      for (const [agentId, e] of entries) if (!present(e)) out.push({ agentId, lastSeenMs: e.liveness?.lastSeenMs });
      return out;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async sync(timeoutMs = opts.syncTimeoutMs ?? 250) {
      const started = performance.now();
      const done = (result: SyncResult) => {
        metrics?.syncs.inc({ result });
        metrics?.syncWait.observe((performance.now() - started) / 1000);
        return result;
      };
      if (!watch || opts.bus.status() !== 'connected') return done('unavailable');
      let target: number;
      try {
        target = await withTimeout(latest(), timeoutMs);
      } catch {
        return done('unavailable');
      }
      if (revisionNow() >= target) return done('ok');
      const left = Math.max(0, timeoutMs - (performance.now() - started));
      const result = await new Promise<SyncResult>((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          resolve('timeout');
        }, left);
        const waiter: Waiter = {
          target,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        waiters.push(waiter);
      });
      if (result === 'timeout')
        opts.logger.warn(
          { bucket: opts.bucket, target, reached: revisionNow(), timeoutMs },
          'directory did not catch up within its sync bound',
        );
      return done(result);
    },
  };
}

/** Registration order: `registered_at`, then id, so every replica lists agents identically. */
function byRegistration(ida: string, a: Entry, idb: string, b: Entry): number {
  const at = (a.registration ?? a.legacy)!.registered_at.localeCompare((b.registration ?? b.legacy)!.registered_at);
  return at !== 0 ? at : ida.localeCompare(idb);
}

function legacySignature(agent: StoredAgent): string {
  const { last_seen: _seen, metrics: _metrics, status: _status, ...registration } = agent;
  return JSON.stringify(registration);
}
