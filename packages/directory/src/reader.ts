/**
 * The read side of the agent directory port: a local model of the agents bucket (KV watch),
 * with lazy liveness, ordered change notifications, the revision it has caught up with, and the
 * read-your-writes barrier `sync()`: once the registry has acknowledged a write, a reader that
 * awaits `sync()` reflects it, whichever replica wrote it.
 *
 * Changes that matter to watchers (membership, effective status, registration content) are
 * announced one by one, synchronously, in bucket order; heartbeats that only move `last_seen` and
 * metrics updates are applied silently (they bump `freshness`, not `version`).
 *
 * Heartbeats come from the heartbeat log (`records.ts`), a second bucket the reader watches and
 * `sync()` covers too: an agent's `last_seen` is the newer of its liveness record and its newest
 * heartbeat in the log (the record wins a tie, so the sweeper's `dead` stands until a later
 * heartbeat). A heartbeat read before its agent's records is kept until they arrive.
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
import {
  BEATS_RETENTION_MS,
  assemble,
  beatsBucket,
  decodeBeats,
  decodeLegacy,
  decodeLiveness,
  decodeMetrics,
  decodeRegistration,
  newerOf,
  type Liveness,
} from './records';

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
  /** An agent's liveness as the model holds it: the newer of its record and its newest heartbeat. */
  livenessOf(id: string): Liveness | undefined;
  /**
   * Agents with liveness or metrics records but no registration (a removal interrupted between
   * its writes, or a registration being written), with their last heartbeat if known.
   */
  leftovers(): Array<{ agentId: string; lastSeenMs: number | undefined }>;
  /**
   * Agents whose newest heartbeat is in the heartbeat log only (newer than their liveness
   * record) and at least `minAgeMs` old at `nowMs`: what the sweeper writes to the record before
   * the log expires it.
   */
  unpersistedBeats(nowMs: number, minAgeMs: number): Array<{ agentId: string; beat: Liveness }>;
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
  /** The newer of `record` and `beat`: what the agent's status and `last_seen` come from. */
  liveness?: Liveness;
  /** The liveness record. */
  record?: Liveness;
  /** The newest heartbeat read from the log. */
  beat?: Liveness;
  metrics?: AgentMetrics;
  legacy?: StoredAgent;
  /** Effective status when last evaluated. */
  status: AgentStatus;
  /** The assembled agent, until one of its records changes. */
  agent?: StoredAgent;
}

interface Waiter {
  /** Revisions of the agents bucket and of the heartbeat log to reach. */
  readonly target: readonly [number, number];
  readonly resolve: (result: SyncResult) => void;
}

const present = (e: Entry): boolean => e.registration !== undefined || e.legacy !== undefined;

const newest = (e: Entry): Liveness | undefined => newerOf(e.record, e.beat);

export function createDirectoryReader(opts: DirectoryReaderOptions): DirectoryReader {
  const now = opts.now ?? Date.now;
  const metrics: DirectoryMetrics | undefined = opts.registry ? directoryMetrics(opts.registry) : undefined;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(change: DirectoryChange) => void>();
  let order: string[] | undefined;
  let snapshot: { freshness: number; agents: StoredAgent[] } | undefined;
  let kv: KvStore | undefined;
  let watch: KvWatch | undefined;
  let beatsKv: KvStore | undefined;
  let beatsWatch: KvWatch | undefined;
  /** Heartbeats of agents the model has no records of (yet), newest per agent. */
  const earlyBeats = new Map<string, Liveness>();
  let ready = false;
  let version = 0;
  let freshness = 0;
  let waiters: Waiter[] = [];
  let expiryTimer: NodeJS.Timeout | undefined;

  const revisionNow = () => watch?.revision ?? 0;
  const reached = (target: readonly [number, number]) => revisionNow() >= target[0] && (beatsWatch?.revision ?? 0) >= target[1];

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
    if (!e.registration) return e.legacy ? effectiveStatus(e.legacy, t, opts.heartbeatTimeoutMs) : 'dead';
    // effectiveStatus's rule on the instant parsed once, when the record or heartbeat was read.
    const live = e.liveness;
    return live !== undefined && live.status === 'alive' && live.lastSeenMs > t - opts.heartbeatTimeoutMs ? 'alive' : 'dead';
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
        e.record = value;
        // A removal ends the agent's heartbeats too; a later registration starts afresh.
        if (!value) e.beat = undefined;
        e.liveness = newest(e);
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
    let e = entries.get(id);
    if (!e) {
      e = { status: 'dead' };
      const early = earlyBeats.get(id);
      if (early) {
        e.beat = early;
        e.liveness = early;
      }
    }
    const wasPresent = present(e);
    const before = { status: e.status, signature: e.signature, registeredAt: (e.registration ?? e.legacy)?.registered_at };
    if (!store(e, key.kind, entry)) unreadable(entry);
    else {
      e.agent = undefined;
      freshness++;
      e.status = evaluate(e, now());
      const isPresent = present(e);
      if (!isPresent && !e.liveness && !e.metrics) entries.delete(id);
      else {
        entries.set(id, e);
        earlyBeats.delete(id);
      }
      if (wasPresent !== isPresent || before.registeredAt !== (e.registration ?? e.legacy)?.registered_at) order = undefined;
      if (!wasPresent && isPresent) announce({ kind: 'registered', agentId: id, status: e.status });
      else if (wasPresent && !isPresent) announce({ kind: 'unregistered', agentId: id });
      else if (isPresent && before.signature !== e.signature) announce({ kind: 'updated', agentId: id, status: e.status });
      else if (isPresent && before.status !== e.status) announce({ kind: 'status', agentId: id, status: e.status });
    }
    release();
  };

  /** Applies one entry of the heartbeat log: each agent's `last_seen` moves to its newest heartbeat. */
  const applyBeats = (entry: KvEntry) => {
    // Entries are only ever added; they leave by expiry, which changes nothing read from them.
    if (entry.operation === 'PUT') {
      const beats = decodeBeats(entry.value);
      if (!beats) unreadable(entry);
      else {
        metrics?.beats.inc(beats.length);
        const t = now();
        for (const beat of beats) {
          const e = entries.get(beat.agentId);
          if (!e) {
            const early = earlyBeats.get(beat.agentId);
            if (!early || beat.lastSeenMs > early.lastSeenMs) earlyBeats.set(beat.agentId, beat);
            continue;
          }
          if (e.beat && e.beat.lastSeenMs >= beat.lastSeenMs) continue;
          e.beat = beat;
          const next = newest(e);
          if (next === e.liveness) continue;
          e.liveness = next;
          e.agent = undefined;
          if (!present(e)) continue;
          const status = evaluate(e, t);
          if (status !== e.status) {
            e.status = status;
            announce({ kind: 'status', agentId: beat.agentId, status });
          }
        }
        freshness++;
      }
    }
    release();
  };

  /** Lazy liveness: an alive agent whose heartbeat is older than the timeout turns dead here. */
  const checkExpiry = () => {
    const t = now();
    for (const [id, beat] of earlyBeats) if (t - beat.lastSeenMs > BEATS_RETENTION_MS) earlyBeats.delete(id);
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
    const still: Waiter[] = [];
    for (const w of waiters) {
      if (reached(w.target)) w.resolve('ok');
      else still.push(w);
    }
    waiters = still;
  };

  const latest = singleFlightAfterCall((): Promise<readonly [number, number]> => {
    if (!kv || !beatsKv) return Promise.reject(new Error('directory reader not started'));
    return Promise.all([kv.lastRevision(), beatsKv.lastRevision()]);
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
      beatsKv = await opts.bus.kv(beatsBucket(opts.bucket), { ttlMs: BEATS_RETENTION_MS });
      watch = await followKv(kv, apply);
      beatsWatch = await followKv(beatsKv, applyBeats);
      ready = true;
      release();
      expiryTimer = setInterval(checkExpiry, opts.expiryCheckMs ?? 1000);
      expiryTimer.unref();
    },
    stop() {
      watch?.stop();
      watch = undefined;
      beatsWatch?.stop();
      beatsWatch = undefined;
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
    livenessOf(id) {
      return entries.get(id)?.liveness;
    },
    leftovers() {
      const out: Array<{ agentId: string; lastSeenMs: number | undefined }> = [];
      for (const [agentId, e] of entries) if (!present(e)) out.push({ agentId, lastSeenMs: e.liveness?.lastSeenMs });
      return out;
    },
    unpersistedBeats(nowMs, minAgeMs) {
      const out: Array<{ agentId: string; beat: Liveness }> = [];
      for (const [agentId, e] of entries) {
        const beat = e.beat;
        if (beat && beat === e.liveness && present(e) && nowMs - beat.lastSeenMs >= minAgeMs) out.push({ agentId, beat });
      }
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
      let target: readonly [number, number];
      try {
        target = await withTimeout(latest(), timeoutMs);
      } catch {
        return done('unavailable');
      }
      if (reached(target)) return done('ok');
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
          { bucket: opts.bucket, target, reached: [revisionNow(), beatsWatch?.revision ?? 0], timeoutMs },
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
