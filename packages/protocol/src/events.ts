/**
 * Payloads that travel between services over NATS (subjects in `subjects.ts`): directory
 * changes, credential revocations, dashboard log entries, telemetry beats and the dashboard
 * command request/reply. Encoded as JSON bytes; decoded with a schema at the consumer edge.
 */
import * as z from 'zod';
import { StoredAgentSchema } from './agent-stored';
import { CHANNEL_NAMES, gatewayService, type GatewayService } from './channels';
import { nowIso } from './time';
import { ZonedIsoDateTime } from './validation';

export const DIRECTORY_EVENT_KINDS = ['registered', 'unregistered', 'alive', 'dead', 'heartbeat', 'metrics'] as const;

export const DirectoryEventSchema = z.object({
  kind: z.enum(DIRECTORY_EVENT_KINDS),
  agent_id: z.string().min(1),
  agent_type: z.string(),
  at: ZonedIsoDateTime,
  agent: StoredAgentSchema.optional(),
});
export type DirectoryEvent = z.output<typeof DirectoryEventSchema>;

/** `until` (epoch seconds) bounds how long the revocation matters: the token's own expiry. */
export const RevocationEventSchema = z.object({
  kind: z.enum(['agent', 'admin']),
  subject: z.string().min(1),
  /** One token by its id; */
  jti: z.string().min(1).optional(),
  /** or one token without an id, by its subject and issue second; neither: every token of the subject. */
  iat: z.number().int().optional(),
  until: z.number().positive(),
});
export type RevocationEvent = z.output<typeof RevocationEventSchema>;

export const LOG_MESSAGE_MAX = 2048;

/** Long messages are cut to 2045 characters plus `...` (the reference's rule). */
export function clampLogMessage(message: string): string {
  return message.length > LOG_MESSAGE_MAX ? message.slice(0, LOG_MESSAGE_MAX - 3) + '...' : message;
}

/**
 * A dashboard log entry. Extra keys (`agent_id`, `client_ip`, `event_type`,
 * `frontend_timestamp`, …) pass through untouched.
 */
export const LogEntrySchema = z.looseObject({
  timestamp: ZonedIsoDateTime,
  level: z.string().trim().min(1).toUpperCase(),
  message: z.string().transform(clampLogMessage),
  source: z.string().min(1),
});
export type LogEntry = z.output<typeof LogEntrySchema>;

/** Builds a log entry; the core keys win over same-named extras. */
export function logEntry(
  level: string,
  message: string,
  source: string,
  extra: Record<string, unknown> = {},
  at: string = nowIso(),
): LogEntry {
  return { ...extra, timestamp: at, level: level.toUpperCase(), message: clampLogMessage(message), source };
}

/** Every kind of service instance that beats telemetry: one gateway role per channel. */
export const SERVICE_ROLES = Object.freeze(['registry', 'metrics', ...CHANNEL_NAMES.map(gatewayService), 'standalone'] as const);
export type ServiceRole = 'registry' | 'metrics' | GatewayService | 'standalone';

const gauge = z.number().min(0);

/** One service instance's beat, every few seconds; counters are deltas over `interval_s`. */
export const TelemetryEventSchema = z.object({
  instance: z.string().min(1),
  role: z.enum(SERVICE_ROLES as readonly [ServiceRole, ...ServiceRole[]]),
  at: ZonedIsoDateTime,
  cpu_percent: gauge,
  memory_bytes: gauge,
  memory_percent: gauge,
  event_loop_lag_ms: gauge,
  connections: z.number().int().min(0),
  requests: z.number().int().min(0),
  errors: z.number().int().min(0),
  response_time_sum_s: gauge,
  interval_s: z.number().positive(),
});
export type TelemetryEvent = z.output<typeof TelemetryEventSchema>;

export const DASHBOARD_SERVICE_COMMANDS = [
  // The initial burst of a newly authenticated dashboard (monitoring, health, logs, alert; the
  // gateway adds the agents frame from its own copy of the directory, and answers agents_request).
  'snapshot',
  'refresh_request',
  'clear_logs',
  'clear_alerts',
  'dashboard_log',
  'dashboard_alert',
] as const;
export type DashboardServiceCommand = (typeof DASHBOARD_SERVICE_COMMANDS)[number];

/** Dashboard gateway → metrics service: a command that needs the shared dashboard state. */
export const DashboardCommandRequestSchema = z.object({
  command: z.enum(DASHBOARD_SERVICE_COMMANDS),
  data: z.unknown().optional(),
});
export type DashboardCommandRequest = z.output<typeof DashboardCommandRequestSchema>;

/**
 * The dashboard frames to send to the requester, in order (may be empty). `error` says why a
 * request was refused (malformed, unknown command, invalid data); its `frames` are then empty.
 */
export const DashboardCommandReplySchema = z.object({ frames: z.array(z.unknown()), error: z.string().optional() });
export type DashboardCommandReply = z.output<typeof DashboardCommandReplySchema>;
