/**
 * The gateways' read model of the agent directory: a KV watch on the agents bucket, validated
 * entries, lazy liveness, and a coalesced change signal (at most one per window, always trailing,
 * so the last signal sees the final state) for membership, status and registration changes.
 */
import { Counter, type Registry } from 'prom-client';
import { effectiveStatus, StoredAgentSchema, type AgentStatus, type StoredAgent } from '@arcp/protocol';
import type { Bus, KvEntry, KvWatch } from '@arcp/service-kit';
import type { LoggerLike } from '@arcp/service-kit';
import { byRegistration, isSignificant, toEntry, type DirectoryEntry } from './directory-entry';

export interface AgentDirectoryOptions {
  bus: Pick<Bus, 'kv'>;
  bucket: string;
  logger: LoggerLike;
  heartbeatTimeoutMs: number;
  /** Change signals are coalesced into one per window. Default 50 ms. */
  coalesceMs?: number;
  /** How often alive agents are re-checked for expiry. Default 1000 ms. */
  expiryCheckMs?: number;
  /** Counts unreadable entries (`arcp_gateway_directory_invalid_entries_total`) when given. */
  registry?: Registry;
  now?: () => number;
}

export interface AgentDirectory {
  /** Starts the watch; resolves once the bucket's current content is loaded. */
  start(): Promise<void>;
  stop(): void;
  readonly ready: boolean;
  /** Every agent (alive and dead), in registration order. */
  all(): StoredAgent[];
  get(id: string): StoredAgent | undefined;
  /** Effective status (lazy liveness applied) as of the last evaluation. */
  statusOf(id: string): AgentStatus | undefined;
  /** Called after changes (not for the initial load); returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

const invalidCounters = new WeakMap<Registry, Counter>();

function invalidCounter(registry: Registry | undefined): Counter | undefined {
  if (!registry) return undefined;
  let c = invalidCounters.get(registry);
  if (!c) {
    c = new Counter({ name: 'arcp_gateway_directory_invalid_entries_total', help: 'Agent directory entries that failed validation', registers: [registry] });
    invalidCounters.set(registry, c);
  }
  return c;
}

export function createAgentDirectory(opts: AgentDirectoryOptions): AgentDirectory {
  const now = opts.now ?? Date.now;
  const coalesceMs = opts.coalesceMs ?? 50;
  const invalid = invalidCounter(opts.registry);
  const entries = new Map<string, DirectoryEntry>();
  const listeners = new Set<() => void>();
  /** Ids in registration order; rebuilt only when membership or `registered_at` changes. */
  let order: string[] | undefined;
  let watch: KvWatch | undefined;
  let ready = false;
  let pending: NodeJS.Timeout | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;

  const emit = () => {
    pending = undefined;
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (err) {
        opts.logger.error({ err }, 'directory change listener failed');
      }
    }
  };
  const changed = () => {
    if (ready && !pending) pending = setTimeout(emit, coalesceMs);
  };

  const parse = (entry: KvEntry): StoredAgent | undefined => {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(entry.value).toString('utf8'));
    } catch {
      json = undefined;
    }
    const result = StoredAgentSchema.safeParse(json);
    if (result.success && result.data.agent_id === entry.key) return result.data;
    invalid?.inc();
    opts.logger.warn({ bucket: opts.bucket, key: entry.key, revision: entry.revision }, 'skipping invalid agent directory entry');
    return undefined;
  };

  const apply = (entry: KvEntry) => {
    if (entry.operation !== 'PUT') {
      if (entries.delete(entry.key)) {
        order = undefined;
        changed();
      }
      return;
    }
    const agent = parse(entry);
    if (!agent) return;
    const next = toEntry(agent, now(), opts.heartbeatTimeoutMs);
    const prev = entries.get(entry.key);
    entries.set(entry.key, next);
    if (prev?.agent.registered_at !== next.agent.registered_at) order = undefined;
    if (isSignificant(prev, next)) changed();
  };

  /** Lazy liveness: an alive agent whose heartbeat is older than the timeout turns dead here. */
  const checkExpiry = () => {
    const t = now();
    let any = false;
    for (const entry of entries.values()) {
      if (entry.status !== 'alive') continue;
      if (effectiveStatus(entry.agent, t, opts.heartbeatTimeoutMs) === 'dead') {
        entry.status = 'dead';
        any = true;
      }
    }
    if (any) changed();
  };

  return {
    async start() {
      const kv = await opts.bus.kv(opts.bucket);
      await new Promise<void>((resolve, reject) => {
        kv.watch({ initial: true, onInitialDone: resolve }, apply).then((w) => (watch = w), reject);
      });
      ready = true;
      expiryTimer = setInterval(checkExpiry, opts.expiryCheckMs ?? 1000);
      expiryTimer.unref();
    },
    stop() {
      watch?.stop();
      watch = undefined;
      clearInterval(expiryTimer);
      clearTimeout(pending);
      pending = undefined;
      ready = false;
    },
    get ready() {
      return ready;
    },
    all() {
      order ??= [...entries.values()].sort(byRegistration).map((e) => e.agent.agent_id);
      return order.map((id) => entries.get(id)!.agent);
    },
    get: (id) => entries.get(id)?.agent,
    statusOf: (id) => entries.get(id)?.status,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
