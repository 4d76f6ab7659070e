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

/** Epoch milliseconds of an instant in the writer's format (the same value parseIso gives); undefined otherwise. */
function writerInstant(lastSeen: string): number | undefined {
  const m = WRITER_ISO.exec(lastSeen);
  if (!m) return undefined;
  const second = epochOfSecond(m[1]!);
  if (second === undefined) return undefined;
  const fractionUs = m[2] === undefined ? 0 : Number(m[2].padEnd(6, '0'));
  return second + fractionUs / 1000;
}

function decodeLivenessFast(text: string): Liveness | undefined {
  const status = text.startsWith(ALIVE_PREFIX) ? 'alive' : text.startsWith(DEAD_PREFIX) ? 'dead' : undefined;
  if (status === undefined || !text.endsWith(SUFFIX)) return undefined;
  const last_seen = text.slice(status === 'alive' ? ALIVE_PREFIX.length : DEAD_PREFIX.length, -SUFFIX.length);
  const lastSeenMs = writerInstant(last_seen);
  return lastSeenMs === undefined ? undefined : { status, last_seen, lastSeenMs };
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

/**
 * The heartbeat log (KV bucket `<agents bucket>_beats`): heartbeats are not written to each
 * agent's liveness record but appended, many agents to one entry, under keys of their own that
 * the server expires after `BEATS_RETENTION_MS`. A reader parses one entry for many heartbeats.
 * A heartbeat whose agent's liveness record is older than `BEAT_PERSIST_AFTER_MS` also rewrites
 * that record, and the sweeper persists the last heartbeat of an agent that went silent, so the
 * record never lags what the log held by more than that when an entry expires.
 */
export const BEATS_RETENTION_MS = 15 * 60_000;
export const BEAT_PERSIST_AFTER_MS = 2 * 60_000;

export function beatsBucket(agentsBucket: string): string {
  return `${agentsBucket}_beats`;
}

/** One heartbeat of the log: the agent and the instant it was seen. */
export interface Beat {
  readonly agentId: string;
  readonly lastSeen: string;
}

/** The newer of an agent's liveness record and a heartbeat of the log; the record wins a tie. */
export function newerOf(record: Liveness, beat: Liveness | undefined): Liveness;
export function newerOf(record: Liveness | undefined, beat: Liveness | undefined): Liveness | undefined;
export function newerOf(record: Liveness | undefined, beat: Liveness | undefined): Liveness | undefined {
  return beat !== undefined && (record === undefined || beat.lastSeenMs > record.lastSeenMs) ? beat : record;
}

/** `{"beats":[["<agent_id>","<last_seen>"],...]}` */
export function encodeBeats(beats: readonly Beat[]): Uint8Array {
  return encodeJson({ beats: beats.map((b) => [b.agentId, b.lastSeen]) });
}

/**
 * The heartbeats of one log entry, each with its instant parsed; entries that are not readable
 * pairs (an agent id, a zoned ISO instant) are left out. Undefined when the entry is not a batch.
 */
export function decodeBeats(bytes: Uint8Array): Array<Liveness & { agentId: string }> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  const beats = (value as { beats?: unknown } | null)?.beats;
  if (!Array.isArray(beats)) return undefined;
  const out: Array<Liveness & { agentId: string }> = [];
  for (const pair of beats as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) continue;
    const [agentId, lastSeen] = pair as unknown[];
    if (typeof agentId !== 'string' || agentId.length === 0 || agentId.includes('.') || typeof lastSeen !== 'string') continue;
    const lastSeenMs = writerInstant(lastSeen) ?? (isZonedIso(lastSeen) ? parseIso(lastSeen) : undefined);
    if (lastSeenMs === undefined || Number.isNaN(lastSeenMs)) continue;
    out.push({ agentId, status: 'alive', last_seen: lastSeen, lastSeenMs });
  }
  return out;
}

/**
 * An agent as stored, with `status` and `last_seen` from `liveness` when that is newer than its
 * liveness record (a heartbeat in the log): what the registry answers after an authoritative read.
 */
export function newerLiveness(agent: StoredAgent, liveness: Liveness | undefined): StoredAgent {
  if (liveness === undefined) return agent;
  const recordMs = isZonedIso(agent.last_seen) ? parseIso(agent.last_seen) : -Infinity;
  return liveness.lastSeenMs > recordMs ? { ...agent, status: liveness.status, last_seen: liveness.last_seen } : agent;
}
