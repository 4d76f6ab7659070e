/**
 * The one codec of the agents bucket: the three records of an agent (registration, liveness,
 * metrics; layout in `@arcp/protocol` `agent-stored.ts`), the legacy one-document record, and how
 * they are put together into the `StoredAgent` every view is built from.
 *
 * Liveness records are most of the traffic (one per heartbeat, fanned in to every reader), so
 * they are checked by hand, the writer's own bytes without JSON.parse, and their instant is
 * parsed once here; the rare registration and metrics records go through their zod schemas.
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
  const text = decoder.decode(bytes);
  return decodeLivenessFast(text) ?? decodeLivenessGeneric(text);
}

// The exact bytes the writer produces (`encodeJson({status, last_seen})`). A heartbeat is read
// by slicing them, and its instant from the epoch of its whole second, parsed once and cached:
// heartbeats of many agents fall into the same few seconds.
const ALIVE_PREFIX = '{"status":"alive","last_seen":"';
const DEAD_PREFIX = '{"status":"dead","last_seen":"';
const SUFFIX = '"}';
/** `YYYY-MM-DDTHH:MM:SS` + optional fraction + `Z`: the writer's format. */
const WRITER_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/;
const SECOND_CACHE_LIMIT = 256;
const secondEpochMs = new Map<string, number | null>();

function epochOfSecond(whole: string): number | undefined {
  let ms = secondEpochMs.get(whole);
  if (ms === undefined) {
    ms = isZonedIso(`${whole}Z`) ? parseIso(`${whole}Z`) : null;
    if (secondEpochMs.size >= SECOND_CACHE_LIMIT) secondEpochMs.clear();
    secondEpochMs.set(whole, ms);
  }
  return ms ?? undefined;
}

function decodeLivenessFast(text: string): Liveness | undefined {
  const status = text.startsWith(ALIVE_PREFIX) ? 'alive' : text.startsWith(DEAD_PREFIX) ? 'dead' : undefined;
  if (status === undefined || !text.endsWith(SUFFIX)) return undefined;
  const last_seen = text.slice(status === 'alive' ? ALIVE_PREFIX.length : DEAD_PREFIX.length, -SUFFIX.length);
  const m = WRITER_ISO.exec(last_seen);
  if (!m) return undefined;
  const second = epochOfSecond(m[1]!);
  if (second === undefined) return undefined;
  // The same fractional milliseconds parseIso gives.
  const fractionUs = m[2] === undefined ? 0 : Number(m[2].padEnd(6, '0'));
  return { status, last_seen, lastSeenMs: second + fractionUs / 1000 };
}

function decodeLivenessGeneric(text: string): Liveness | undefined {
  let value: { status?: unknown; last_seen?: unknown } | undefined;
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    return undefined;
  }
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
export function assemble(
  registration: StoredRegistration,
  liveness: StoredLiveness | undefined,
  metrics: AgentMetrics | undefined,
): StoredAgent {
  return {
    ...registration,
    status: liveness?.status ?? 'dead',
    registered_at: registration.registered_at,
    last_seen: liveness?.last_seen ?? registration.registered_at,
    metrics: metrics ?? defaultMetrics(registration.agent_id, registration.registered_at),
  };
}
