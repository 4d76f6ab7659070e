/**
 * The write side of the agent directory port, used by the registry alone. Every write is durable
 * (JetStream acknowledged) when it resolves and returns the bucket revision it produced.
 *
 * Write order keeps readers consistent without transactions: a registration writes liveness and
 * metrics first and the registration record last (the agent appears complete); a removal deletes
 * the registration first (the agent is gone at once) and its other records after. A crash in
 * between leaves liveness/metrics records without a registration, which readers ignore and
 * report as leftovers (`DirectoryReader.leftovers`) for `removeOrphan` to clean up.
 */
import { directoryKey, parseDirectoryKey, type AgentMetrics, type StoredAgent, type StoredLiveness } from '@arcp/protocol';
import { KvConflictError, type KvStore } from '@arcp/service-kit';
import {
  assemble,
  decodeLegacy,
  decodeLiveness,
  decodeMetrics,
  decodeRegistration,
  encodeRecord,
  splitAgent,
  type Liveness,
} from './records';

/** An agent as read from the bucket, with the revision of each of its records (0: absent). */
export interface VersionedAgent {
  readonly agent: StoredAgent;
  readonly revisions: { readonly registration: number; readonly liveness: number; readonly metrics: number };
}

export interface VersionedLiveness {
  readonly liveness: Liveness;
  readonly revision: number;
}

export interface DirectoryWriter {
  /** Authoritative read of one agent (one round trip per record, in parallel); null when absent or unreadable. */
  read(agentId: string): Promise<VersionedAgent | null>;
  /** Authoritative read of an agent's liveness alone (the heartbeat path); null when absent or unreadable. */
  readLiveness(agentId: string): Promise<VersionedLiveness | null>;
  /**
   * Stores a new agent, or replaces the one read as `previous`. Rejects with KvConflictError when
   * another registration got there first. `alongside` is a write of the caller's that must be
   * durable before the agent appears; it runs with the agent's first records.
   */
  register(agent: StoredAgent, previous?: VersionedAgent | null, alongside?: () => Promise<unknown>): Promise<number>;
  /** Compare-and-set of an agent's liveness at `revision`; KvConflictError when it moved. */
  setLiveness(agentId: string, liveness: StoredLiveness, revision: number): Promise<number>;
  /** Compare-and-set of an agent's metrics at `revision` (0: none stored yet). */
  setMetrics(agentId: string, metrics: AgentMetrics, revision: number): Promise<number>;
  /** Removes an agent whose registration is still at `registrationRevision`; KvConflictError otherwise. */
  remove(agentId: string, registrationRevision: number): Promise<number>;
  /** Deletes the leftover records of an agent that has no registration. */
  removeOrphan(agentId: string): Promise<void>;
}

export function createDirectoryWriter(kv: KvStore): DirectoryWriter {
  const key = directoryKey;

  async function readOne<T>(k: string, decode: (bytes: Uint8Array) => T | undefined): Promise<{ value: T; revision: number } | null> {
    const entry = await kv.get(k);
    if (entry === null) return null;
    const value = decode(entry.value);
    return value === undefined ? null : { value, revision: entry.revision };
  }

  async function put(k: string, value: Uint8Array, revision: number): Promise<number> {
    return revision === 0 ? kv.create(k, value) : kv.update(k, value, revision);
  }

  return {
    async read(agentId) {
      const [registration, liveness, metrics] = await Promise.all([
        readOne(key('registration', agentId), decodeRegistration),
        readOne(key('liveness', agentId), decodeLiveness),
        readOne(key('metrics', agentId), decodeMetrics),
      ]);
      if (registration === null || registration.value.agent_id !== agentId) return null;
      return {
        agent: assemble(registration.value, liveness?.value, metrics?.value),
        revisions: { registration: registration.revision, liveness: liveness?.revision ?? 0, metrics: metrics?.revision ?? 0 },
      };
    },
    async readLiveness(agentId) {
      const found = await readOne(key('liveness', agentId), decodeLiveness);
      return found && { liveness: found.value, revision: found.revision };
    },
    async register(agent, previous, alongside) {
      const { registration, liveness, metrics } = splitAgent(agent);
      // All before the registration, in one round trip: none is read without it.
      await Promise.all([
        kv.put(key('liveness', agent.agent_id), encodeRecord(liveness)),
        kv.put(key('metrics', agent.agent_id), encodeRecord(metrics)),
        alongside?.(),
      ]);
      const bytes = encodeRecord(registration);
      return previous
        ? kv.update(key('registration', agent.agent_id), bytes, previous.revisions.registration)
        : kv.create(key('registration', agent.agent_id), bytes);
    },
    setLiveness: (agentId, liveness, revision) =>
      put(key('liveness', agentId), encodeRecord({ status: liveness.status, last_seen: liveness.last_seen }), revision),
    setMetrics: (agentId, metrics, revision) => put(key('metrics', agentId), encodeRecord(metrics), revision),
    async remove(agentId, registrationRevision) {
      await kv.delete(key('registration', agentId), registrationRevision);
      await Promise.all([kv.delete(key('liveness', agentId)), kv.delete(key('metrics', agentId))]);
      return kv.lastRevision();
    },
    async removeOrphan(agentId) {
      if ((await kv.get(key('registration', agentId))) !== null) throw new KvConflictError(kv.bucket, key('registration', agentId));
      await kv.delete(key('liveness', agentId));
      await kv.delete(key('metrics', agentId));
    },
  };
}

/**
 * Rewrites the one-document records of buckets written before liveness was stored apart into the
 * three records of today, deleting each old record only after its replacement is durable.
 * Idempotent and safe to run from several registry replicas at once. Returns how many agents moved.
 */
export async function migrateLegacyRecords(kv: KvStore, writer: DirectoryWriter = createDirectoryWriter(kv)): Promise<number> {
  let moved = 0;
  for (const k of await kv.keys()) {
    if (parseDirectoryKey(k)?.kind !== 'legacy') continue;
    const entry = await kv.get(k);
    const agent = entry && decodeLegacy(entry.value);
    if (!entry || !agent || agent.agent_id !== k) continue;
    // Already migrated (by another replica, or registered since): keep what is there.
    if ((await kv.get(directoryKey('registration', k))) === null) {
      try {
        await writer.register(agent);
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
      }
    }
    try {
      await kv.delete(k, entry.revision);
      moved++;
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
  }
  return moved;
}
