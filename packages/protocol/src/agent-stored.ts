/**
 * `StoredAgent`: the JSON document the registry keeps per agent in the agents KV bucket, and the
 * lazy liveness rule every reader applies on top of the stored status.
 */
import { z } from 'zod';
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
 * (the reference breaks every listing in that case, §9.16).
 */
export const StoredAgentSchema = AgentRegistrationSchema.extend({
  status: AgentStatusSchema,
  registered_at: ZonedIsoDateTime,
  last_seen: ZonedIsoDateTime,
  metrics: AgentMetricsSchema,
});

export type StoredAgent = z.output<typeof StoredAgentSchema>;

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
