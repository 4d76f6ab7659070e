/**
 * The liveness sweeper. One replica at a time (the lease holder) flips alive → dead once
 * `last_seen` is older than the heartbeat timeout and unregisters agents silent for
 * max(60 s, 2 × timeout). Each transition is a compare-and-set, so even overlapping leaders
 * announce every change exactly once. An agent's `last_seen` is the newer of its liveness record
 * and its newest heartbeat in the heartbeat log (the model, synced first); the sweeper also writes
 * to the record the last heartbeat of an agent silent for a while, before the log expires it.
 */
import { BEAT_PERSIST_AFTER_MS, newerLiveness, newerOf } from '@arcp/directory';
import { effectiveStatus, parseIso, type StoredAgent } from '@arcp/protocol';
import { KvConflictError, LeaderLease } from '@arcp/service-kit';
import { type RegistryContext, type Stores } from '../context';
import { unregisterAgent } from '../lifecycle';

export const SWEEPER_LEASE = 'registry-sweeper';

export interface SweepResult {
  leader: boolean;
  dead: number;
  removed: number;
  /** Heartbeats of silent agents written from the heartbeat log to their liveness records. */
  persisted: number;
  /** Leftover records of agents without a registration that were deleted. */
  orphans: number;
}

export interface Sweeper {
  start(): void;
  stop(): Promise<void>;
  sweep(): Promise<SweepResult>;
}

/** Sweep period: at most the cleanup interval, at least four sweeps per timeout. */
export function sweepIntervalMs(ctx: RegistryContext): number {
  return Math.max(10, Math.min(ctx.config.AGENT_CLEANUP_INTERVAL * 1000, ctx.timeoutMs / 4));
}

export function removeAfterMs(ctx: RegistryContext): number {
  return Math.max(60_000, 2 * ctx.timeoutMs);
}

export function createSweeper(ctx: RegistryContext, stores: Stores): Sweeper {
  const intervalMs = sweepIntervalMs(ctx);
  // Renewed by every sweep (TTL/3 apart), so a standby takes over within one TTL of a dead holder.
  const lease = new LeaderLease({
    kv: stores.leasesKv,
    key: SWEEPER_LEASE,
    instance: ctx.config.INSTANCE_ID,
    ttlMs: 3 * intervalMs,
    now: ctx.now,
    logger: ctx.logger,
    role: 'liveness sweeper',
  });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();

  async function sweep(): Promise<SweepResult> {
    await lease.tick();
    const result: SweepResult = { leader: lease.isLeader(), dead: 0, removed: 0, persisted: 0, orphans: 0 };
    if (!result.leader) return result;
    // Every heartbeat acknowledged so far counts (a lagging model would time out live agents).
    await stores.directory.sync();
    for (const cached of stores.directory.all()) {
      const outcome = await settle(ctx, stores, cached);
      if (outcome === 'dead') result.dead++;
      if (outcome === 'removed') result.removed++;
    }
    result.persisted = await persistSilentBeats(ctx, stores);
    result.orphans = await removeOrphans(ctx, stores);
    return result;
  }

  function schedule(): void {
    timer = setTimeout(() => {
      running = sweep()
        .catch((err: unknown) => ctx.logger.warn({ err }, 'liveness sweep failed'))
        .finally(() => {
          if (timer !== null) schedule();
        });
    }, intervalMs);
  }

  return {
    start() {
      if (timer === null) schedule();
    },
    async stop() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running;
      await lease.stop();
    },
    sweep,
  };
}

/** Applies the timeout rules to one agent, re-reading it first (the cache may lag). */
async function settle(ctx: RegistryContext, stores: Stores, cached: StoredAgent): Promise<'dead' | 'removed' | null> {
  const now = ctx.now();
  const expired = now - seenMs(cached) >= removeAfterMs(ctx);
  const dying = cached.status === 'alive' && effectiveStatus(cached, now, ctx.timeoutMs) === 'dead';
  if (!expired && !dying) return null;
  const current = await stores.writer.read(cached.agent_id);
  if (current === null) return null;
  const agent = newerLiveness(current.agent, stores.directory.livenessOf(cached.agent_id));
  if (now - seenMs(agent) >= removeAfterMs(ctx)) {
    return (await unregisterAgent(ctx, stores, current, 'timeout')) ? 'removed' : null;
  }
  if (agent.status !== 'alive' || effectiveStatus(agent, now, ctx.timeoutMs) === 'alive') return null;
  // Only the liveness record changes: a heartbeat racing us wins the compare-and-set.
  try {
    await stores.writer.setLiveness(agent.agent_id, { status: 'dead', last_seen: agent.last_seen }, current.revisions.liveness);
  } catch (err) {
    if (err instanceof KvConflictError) return null;
    throw err;
  }
  // A heartbeat that reached the log meanwhile outweighs the record just written: no death to announce.
  await stores.directory.sync();
  const latest = stores.directory.livenessOf(agent.agent_id);
  if (latest !== undefined && latest.lastSeenMs > seenMs(agent)) return null;
  const dead: StoredAgent = { ...agent, status: 'dead' };
  ctx.events.directory('dead', dead);
  ctx.events.log('WARN', 'agents', `Agent ${agent.agent_id} missed its heartbeats and is now dead`, {
    agent_id: agent.agent_id,
    agent_type: agent.agent_type,
  });
  return 'dead';
}

/**
 * Writes the last heartbeat of agents silent for `BEAT_PERSIST_AFTER_MS` (and not yet dead, which
 * writes it too) from the heartbeat log to their liveness records, so that a reader started after
 * the log expired it still reads it. A heartbeat or a registration racing us wins the compare-and-set.
 */
async function persistSilentBeats(ctx: RegistryContext, stores: Stores): Promise<number> {
  let persisted = 0;
  for (const { agentId, beat } of stores.directory.unpersistedBeats(ctx.now(), BEAT_PERSIST_AFTER_MS)) {
    const record = await stores.writer.readLiveness(agentId);
    if (record === null || newerOf(record.liveness, beat) !== beat) continue;
    try {
      await stores.writer.setLiveness(agentId, { status: 'alive', last_seen: beat.last_seen }, record.revision);
      persisted++;
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
  }
  return persisted;
}

/**
 * Deletes liveness and metrics records whose agent has no registration (a removal interrupted
 * between its writes). A registration in progress writes those records first, so only records
 * whose last heartbeat is older than the removal delay are treated as leftovers.
 */
async function removeOrphans(ctx: RegistryContext, stores: Stores): Promise<number> {
  let removed = 0;
  for (const orphan of stores.directory.leftovers()) {
    const lastSeen = orphan.lastSeenMs ?? 0;
    if (ctx.now() - lastSeen < removeAfterMs(ctx)) continue;
    try {
      await stores.writer.removeOrphan(orphan.agentId);
      removed++;
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
  }
  if (removed > 0) ctx.logger.info({ removed }, 'removed leftover directory records of unregistered agents');
  return removed;
}

function seenMs(agent: StoredAgent): number {
  try {
    return parseIso(agent.last_seen);
  } catch {
    return 0;
  }
}
