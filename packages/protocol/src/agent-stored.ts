/**
 * The agent directory as stored in the agents KV bucket, and the lazy liveness rule every reader
 * applies on top of the stored status. One agent is three records, so that a heartbeat rewrites
 * (and every reader receives) a few dozen bytes instead of the whole registration:
 *   `reg.<agent_id>`      StoredRegistration: the normalised registration and `registered_at`;
 *                         the agent exists exactly while this record does;
 *   `live.<agent_id>`     StoredLiveness: `status` and `last_seen`;
 *   `metrics.<agent_id>`  AgentMetrics (as in the original ARCP server).
 * `StoredAgent` is the three put together, the shape every view is built from. Buckets written
 * before this layout hold one `StoredAgent` per agent under the bare id (legacy records).
 */
import * as z from 'zod';
import { AgentRegistrationSchema } from './agent';
import { AgentMetricsSchema } from './agent-metrics';
import { parseIso } from './time';
import { ZonedIsoDateTime } from './validation';

export const AGENT_STATUSES = ['alive', 'dead'] as const;
export const AgentStatusSchema = z.enum(AGENT_STATUSES);
export type AgentStatus = z.output<typeof AgentStatusSchema>;

/**
 * The normalised registration plus liveness bookkeeping. Normalisation is idempotent, so a
 * stored record re-parses to itself. `agent_type` is deliberately not checked against
 * `ALLOWED_AGENT_TYPES` here: a record stored under an older configuration must stay readable
 * (the reference breaks every listing in that case).
 */
export const StoredAgentSchema = AgentRegistrationSchema.extend({
  status: AgentStatusSchema,
  registered_at: ZonedIsoDateTime,
  last_seen: ZonedIsoDateTime,
  metrics: AgentMetricsSchema,
});

export type StoredAgent = z.output<typeof StoredAgentSchema>;

export const StoredRegistrationSchema = AgentRegistrationSchema.extend({ registered_at: ZonedIsoDateTime });
export type StoredRegistration = z.output<typeof StoredRegistrationSchema>;

export const StoredLivenessSchema = z.object({ status: AgentStatusSchema, last_seen: ZonedIsoDateTime });
export type StoredLiveness = z.output<typeof StoredLivenessSchema>;

/** Which record of an agent a key of the agents bucket holds. */
export type DirectoryRecordKind = 'registration' | 'liveness' | 'metrics' | 'legacy';

const RECORD_PREFIX = { registration: 'reg.', liveness: 'live.', metrics: 'metrics.' } as const;

/** The key of one record of an agent (agent ids are [A-Za-z0-9_-], so keys stay KV-safe). */
export function directoryKey(kind: Exclude<DirectoryRecordKind, 'legacy'>, agentId: string): string {
  return RECORD_PREFIX[kind] + agentId;
}

/**
 * What a key of the agents bucket holds, recognised from its prefix alone (no parsing);
 * undefined for a key that is none of them.
 */
export function parseDirectoryKey(key: string): { kind: DirectoryRecordKind; agentId: string } | undefined {
  const dot = key.indexOf('.');
  if (dot < 0) return { kind: 'legacy', agentId: key };
  const prefix = key.slice(0, dot + 1);
  const agentId = key.slice(dot + 1);
  if (agentId.length === 0 || agentId.includes('.')) return undefined;
  if (prefix === RECORD_PREFIX.liveness) return { kind: 'liveness', agentId };
  if (prefix === RECORD_PREFIX.registration) return { kind: 'registration', agentId };
  if (prefix === RECORD_PREFIX.metrics) return { kind: 'metrics', agentId };
  return undefined;
}

/**
 * Status as readers must report it: dead when stored dead, or when `last_seen` is not newer than
 * `now - timeout` (the reference's strict rule). An unreadable `last_seen` counts as dead.
 */
export function effectiveStatus(agent: Pick<StoredAgent, 'status' | 'last_seen'>, nowMs: number, heartbeatTimeoutMs: number): AgentStatus {
  if (agent.status === 'dead') return 'dead';
  let seenMs: number;
  try {
    seenMs = parseIso(agent.last_seen);
  } catch {
    return 'dead';
  }
  return seenMs > nowMs - heartbeatTimeoutMs ? 'alive' : 'dead';
}
