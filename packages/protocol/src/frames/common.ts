/**
 * Wire schemas shared by the channel frame files: an agent record as it appears inside frames
 * (WebSocket and dashboard flavours) and the JSON pong. These check shape, not registration rules:
 * the reference document abbreviates agents, so only the identifying keys are required, but an
 * unknown key is rejected so drift shows up in tests.
 */
import * as z from 'zod';
import { AgentStatusSchema } from '../agent-stored';
import { isPlainObject, PyDateTimeText, ZonedIsoDateTime } from '../validation';

const MetricsWire = (datetime: z.ZodType<string>) =>
  z.strictObject({
    agent_id: z.string(),
    success_rate: z.number(),
    avg_response_time: z.number(),
    total_requests: z.number(),
    last_active: datetime,
    reputation_score: z.number(),
    requests_processed: z.number(),
    average_response_time: z.number(),
    error_rate: z.number(),
  });

const MetadataWire = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown())]));

function agentWire(datetime: z.ZodType<string>) {
  return z.strictObject({
    agent_id: z.string(),
    name: z.string(),
    agent_type: z.string(),
    endpoint: z.string(),
    capabilities: z.array(z.string()),
    context_brief: z.string().optional(),
    version: z.string().optional(),
    owner: z.string().optional(),
    public_key: z.string().optional(),
    metadata: MetadataWire.optional(),
    communication_mode: z.string().optional(),
    features: z.array(z.string()).optional(),
    max_tokens: z.number().int().optional(),
    language_support: z.array(z.string()).optional(),
    rate_limit: z.number().int().optional(),
    requirements: z.record(z.string(), z.unknown()).optional(),
    policy_tags: z.array(z.string()).optional(),
    status: AgentStatusSchema,
    last_seen: datetime,
    registered_at: datetime.optional(),
    metrics: MetricsWire(datetime).optional(),
  });
}

/** An agent inside `/public/ws` and `/agents/ws` frames (Python `str(datetime)` datetimes). */
export const WsAgentWireSchema = agentWire(PyDateTimeText);
export type WsAgentWire = z.output<typeof WsAgentWireSchema>;

/** AgentMetrics inside dashboard frames (`monitoring.agent_metrics`). */
export const DashboardMetricsWireSchema = MetricsWire(ZonedIsoDateTime);

/** An agent inside dashboard `agents` frames (ISO-8601 datetimes). */
export const DashboardAgentWireSchema = agentWire(ZonedIsoDateTime);
export type DashboardAgentWire = z.output<typeof DashboardAgentWireSchema>;

/** `{"type":"pong","timestamp":<epoch float>}` — the answer to a JSON ping on every channel. */
export const PongFrameSchema = z.strictObject({ type: z.literal('pong'), timestamp: z.number() });
export type PongFrame = z.output<typeof PongFrameSchema>;

/** A JSON object whose `type` is `ping` (other keys ignored, as the reference does). */
export function isJsonPing(value: unknown): boolean {
  return isPlainObject(value) && value.type === 'ping';
}

/**
 * Text keep-alive. The public and agent channels trim and lower-case (`" PING "` counts); the
 * dashboard matches exactly.
 */
export function textKeepAlive(text: string, exact = false): 'ping' | 'pong' | null {
  const t = exact ? text : text.trim().toLowerCase();
  return t === 'ping' || t === 'pong' ? t : null;
}
