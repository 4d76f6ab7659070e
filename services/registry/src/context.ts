/**
 * Everything a route handler needs, built once by `createRegistry`. KV buckets open lazily on
 * first use (and eagerly in `start()`), so routes can be mounted before the bus is reachable.
 */
import { createKvRevocationList, createRevocationMirror, type RevocationList, type TokenService } from '@arcp/auth';
import { effectiveStatus, type StoredAgent, type Subjects } from '@arcp/protocol';
import {
  BEATS_RETENTION_MS,
  beatsBucket,
  createBeatWriter,
  createDirectoryReader,
  createDirectoryWriter,
  newerLiveness,
  type BeatWriter,
  type DirectoryReader,
  type DirectoryWriter,
  type VersionedAgent,
} from '@arcp/directory';
import { followKv, type AuditLog, type Bus, type KvStore, type Logger } from '@arcp/service-kit';
import { type RegistryConfig } from './config';
import { type RegistryEvents } from './events';
import { type RegistryMetrics } from './metrics';
import { KeyBindings } from './store/key-bindings';
import { LoginLockout } from './store/lockout';

export interface Stores {
  /** The local model of the agents bucket (listings); `agents()` reads it after the barrier. */
  readonly directory: DirectoryReader;
  /** Authoritative reads and every write of the agents bucket. */
  readonly writer: DirectoryWriter;
  /** Heartbeats, appended to the heartbeat log by group commit. */
  readonly beats: BeatWriter;
  readonly agentsKv: KvStore;
  readonly keys: KeyBindings;
  readonly lockout: LoginLockout;
  /** Revocations read from the bucket (authoritative, one round trip per check). */
  readonly revocations: RevocationList;
  /** The same from a local copy: what answers while the bus reconnects. */
  readonly mirroredRevocations: RevocationList;
  readonly revokedKv: KvStore;
  readonly leasesKv: KvStore;
}

export interface RegistryContext {
  readonly config: RegistryConfig;
  readonly logger: Logger;
  /** One line per failed login, lockout and rejected token. */
  readonly audit: AuditLog;
  readonly bus: Bus;
  readonly names: Subjects;
  readonly tokens: TokenService;
  readonly events: RegistryEvents;
  readonly metrics: RegistryMetrics;
  /** Epoch milliseconds (injectable for tests). */
  readonly now: () => number;
  /** AGENT_HEARTBEAT_TIMEOUT in milliseconds. */
  readonly timeoutMs: number;
  /** Agent token lifetime in ms: how long a per-agent revocation must be remembered. */
  readonly agentTokenMs: number;
  stores(): Promise<Stores>;
}

/**
 * Every agent of the directory, after the read-your-writes barrier: a listing reflects every
 * registration acknowledged before it was asked for, by any registry replica. While the bus
 * reconnects the last known state is served (the routes mark such answers stale).
 */
export async function listAgents(ctx: RegistryContext): Promise<readonly StoredAgent[]> {
  const { directory } = await ctx.stores();
  await directory.sync();
  return directory.all();
}

/**
 * One agent: read from the bucket (its `last_seen` from the heartbeat log when that is newer, the
 * model synced alongside), or from the local copy while the bus reconnects.
 */
export async function findAgent(ctx: RegistryContext, agentId: string): Promise<StoredAgent | undefined> {
  const stores = await ctx.stores();
  if (offline(ctx)) return stores.directory.get(agentId);
  const [current] = await Promise.all([stores.writer.read(agentId), stores.directory.sync()]);
  return current ? newerLiveness(current.agent, stores.directory.livenessOf(agentId)) : undefined;
}

/**
 * Whether an agent read from the bucket is alive now: by its liveness record or by a newer
 * heartbeat in the log. The model is synced only when neither says alive at first look, so that
 * a heartbeat acknowledged a moment ago counts.
 */
export async function aliveNow(ctx: RegistryContext, stores: Stores, found: VersionedAgent): Promise<boolean> {
  const alive = () =>
    effectiveStatus(newerLiveness(found.agent, stores.directory.livenessOf(found.agent.agent_id)), ctx.now(), ctx.timeoutMs) === 'alive';
  if (alive()) return true;
  await stores.directory.sync();
  return alive();
}

/** True while the bus reconnects: reads are answered from the local copies, writes refused. */
export function offline(ctx: Pick<RegistryContext, 'bus'>): boolean {
  return ctx.bus.status() !== 'connected';
}

/** The longest token lifetime bounds how long the revoked bucket must keep an entry. */
export function revokedTtlMs(config: RegistryConfig): number {
  return Math.max(config.JWT_EXPIRE_MINUTES, config.SESSION_TIMEOUT) * 60_000 + 60_000;
}

export async function openStores(
  bus: Bus,
  names: Subjects,
  config: RegistryConfig,
  logger: Logger,
  now: () => number,
  onBeatsWritten?: (heartbeats: number) => void,
): Promise<Stores> {
  const [agentsKv, beatsKv, registryKv, revokedKv, leasesKv] = await Promise.all([
    bus.kv(names.agentsBucket),
    bus.kv(beatsBucket(names.agentsBucket), { ttlMs: BEATS_RETENTION_MS }),
    bus.kv(names.registryBucket),
    bus.kv(names.revokedBucket, { ttlMs: revokedTtlMs(config) }),
    // Lease expiry lives in the value (see liveness/lease.ts), so no bucket TTL is needed.
    bus.kv(names.leasesBucket),
  ]);
  const mirroredRevocations = createRevocationMirror(now);
  await followKv(revokedKv, (entry) => mirroredRevocations.apply(entry.key, entry.value));
  return {
    directory: createDirectoryReader({
      bus,
      bucket: names.agentsBucket,
      logger,
      heartbeatTimeoutMs: config.AGENT_HEARTBEAT_TIMEOUT * 1000,
      now,
    }),
    writer: createDirectoryWriter(agentsKv),
    beats: createBeatWriter(beatsKv, onBeatsWritten ? { onWrite: onBeatsWritten } : {}),
    agentsKv,
    keys: new KeyBindings(registryKv),
    lockout: new LoginLockout(registryKv, {
      maxFailures: config.RATE_LIMIT_BURST,
      baseLockoutS: config.LOGIN_LOCKOUT_S,
      now,
    }),
    revocations: createKvRevocationList(revokedKv, now),
    mirroredRevocations,
    revokedKv,
    leasesKv,
  };
}
