/**
 * The one codec of the agents bucket: the three records of an agent (registration, liveness,
 * metrics; layout in `@arcp/protocol` `agent-stored.ts`), the legacy one-document record, and how
 * they are put together into the `StoredAgent` every view is built from.
 *
 * Liveness records are most of the traffic (one per heartbeat, fanned in to every reader), so
 * they are checked by hand and their instant is parsed once here; the rare registration and
 * metrics records go through their zod schemas.
 */
import {
  AgentMetricsSchema,
  StoredAgentSchema,
  StoredRegistrationSchema,
  decodeJsonOr,
  defaultMetrics,
  encodeJson,
  isZonedIso,
  parseIso,
  type AgentMetrics,
  type StoredAgent,
  type StoredLiveness,
  type StoredRegistration,
} from '@arcp/protocol';

const decoder = new TextDecoder();

export function encodeRecord(value: StoredRegistration | StoredLiveness | AgentMetrics | StoredAgent): Uint8Array {
  return encodeJson(value);
}

/** A liveness record with its instant already parsed. */
export interface Liveness extends StoredLiveness {
  readonly lastSeenMs: number;
}

function json(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

export function decodeRegistration(bytes: Uint8Array): StoredRegistration | undefined {
  return decodeJsonOr(StoredRegistrationSchema, bytes);
}

export function decodeMetrics(bytes: Uint8Array): AgentMetrics | undefined {
  return decodeJsonOr(AgentMetricsSchema, bytes);
}

export function decodeLegacy(bytes: Uint8Array): StoredAgent | undefined {
  return decodeJsonOr(StoredAgentSchema, bytes);
}

/** `{"status":"alive"|"dead","last_seen":<zoned ISO>}`; anything else is unreadable. */
export function decodeLiveness(bytes: Uint8Array): Liveness | undefined {
  const value = json(bytes) as { status?: unknown; last_seen?: unknown } | undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const { status, last_seen } = value;
  if ((status !== 'alive' && status !== 'dead') || typeof last_seen !== 'string' || !isZonedIso(last_seen)) return undefined;
  return { status, last_seen, lastSeenMs: parseIso(last_seen) };
}


/** The three records of an agent. */
export function splitAgent(agent: StoredAgent): { registration: StoredRegistration; liveness: StoredLiveness; metrics: AgentMetrics } {
  const { status, last_seen, metrics, ...registration } = agent;
  return { registration, liveness: { status, last_seen }, metrics };
}

/**
 * An agent from its records. Without a liveness record (a registration being written, or one
 * whose liveness was lost) it is dead since it registered; without metrics it has the zeroed set.
 */
export function assemble(registration: StoredRegistration, liveness: StoredLiveness | undefined, metrics: AgentMetrics | undefined): StoredAgent {
  return {
    ...registration,
    status: liveness?.status ?? 'dead',
    registered_at: registration.registered_at,
    last_seen: liveness?.last_seen ?? registration.registered_at,
    metrics: metrics ?? defaultMetrics(registration.agent_id, registration.registered_at),
  };
}
