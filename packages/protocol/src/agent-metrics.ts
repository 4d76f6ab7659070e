/**
 * `AgentMetrics` (as in the original ARCP server): per-agent request statistics with their ranges,
 * the zeroed record created at registration, and the partial update body of
 * `POST /agents/{id}/metrics` (validated here, unlike the reference's poison-pill).
 */
import * as z from 'zod';
import { IsoDateTime } from './validation';

const seconds = z.number().min(0).max(3600);
const ratio = z.number().min(0).max(1);
const count = z.number().int().min(0);

/** Field order is the reference's; views rely on it. */
export const AgentMetricsSchema = z.object({
  agent_id: z.string(),
  success_rate: ratio,
  avg_response_time: seconds,
  total_requests: count,
  last_active: IsoDateTime,
  reputation_score: z.number().min(0).max(10),
  requests_processed: count,
  average_response_time: seconds,
  error_rate: ratio,
});

export type AgentMetrics = z.output<typeof AgentMetricsSchema>;

/** The zeroed metrics every agent gets at registration. */
export function defaultMetrics(agentId: string, nowIso: string): AgentMetrics {
  return {
    agent_id: agentId,
    success_rate: 0,
    avg_response_time: 0,
    total_requests: 0,
    last_active: nowIso,
    reputation_score: 0,
    requests_processed: 0,
    average_response_time: 0,
    error_rate: 0,
  };
}

/**
 * Body of `POST /agents/{id}/metrics`: any subset of the numeric metrics, range-checked; other
 * keys (including `agent_id` and `last_active`, which the server owns) are ignored.
 */
export const AgentMetricsUpdateSchema = AgentMetricsSchema.omit({ agent_id: true, last_active: true }).partial();

export type AgentMetricsUpdate = z.output<typeof AgentMetricsUpdateSchema>;
