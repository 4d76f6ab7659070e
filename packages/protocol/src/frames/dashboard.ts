/**
 * `/dashboard/ws` frames (as in the original ARCP server): the `{type,timestamp,data}` envelope, the
 * periodic frames and acks out; the auth frame and the operator commands in.
 */
import * as z from 'zod';
import { CloseCodes } from '../codes';
import { IsoDateTime, formatIssues, isPlainObject, pyStr, pyTruthy, ZonedIsoDateTime } from '../validation';
import { PongFrameSchema } from './common';
import {
  AgentsDataSchema,
  AlertDataSchema,
  DashboardAlertDataSchema,
  HealthDataSchema,
  LogsDataSchema,
  MonitoringDataSchema,
} from './dashboard-data';

function envelope<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({ type: z.literal(type), timestamp: ZonedIsoDateTime, data });
}

/** Canonical ack payloads; the error variants carry the failure text. */
export const ACK_DATA = Object.freeze({
  pause_ack: { status: 'paused' },
  resume_ack: { status: 'resumed' },
  refresh_ack: { status: 'completed', message: 'Fresh data sent' },
  agents_ack: { status: 'completed', message: 'Agents data sent' },
  clear_logs_ack: { status: 'completed', message: 'Backend logs cleared successfully' },
  clear_alerts_ack: { status: 'completed', message: 'Backend alerts cleared successfully' },
} as const);

export type AckType = keyof typeof ACK_DATA;
export const ErrorAckDataSchema = z.strictObject({ status: z.literal('error'), message: z.string() });
export type ErrorAckData = z.output<typeof ErrorAckDataSchema>;

const completed = (message: string) => z.strictObject({ status: z.literal('completed'), message: z.literal(message) });

export const AckDataSchemas = {
  pause_ack: z.strictObject({ status: z.literal('paused') }),
  resume_ack: z.strictObject({ status: z.literal('resumed') }),
  refresh_ack: z.union([completed(ACK_DATA.refresh_ack.message), ErrorAckDataSchema]),
  agents_ack: z.union([completed(ACK_DATA.agents_ack.message), ErrorAckDataSchema]),
  clear_logs_ack: z.union([completed(ACK_DATA.clear_logs_ack.message), ErrorAckDataSchema]),
  clear_alerts_ack: z.union([completed(ACK_DATA.clear_alerts_ack.message), ErrorAckDataSchema]),
} as const;

export const DashboardDataSchemas = {
  monitoring: MonitoringDataSchema,
  health: HealthDataSchema,
  agents: AgentsDataSchema,
  logs: LogsDataSchema,
  alert: AlertDataSchema,
  ...AckDataSchemas,
} as const;

export type DashboardFrameType = keyof typeof DashboardDataSchemas;
export type DashboardDataMap = { [K in DashboardFrameType]: z.output<(typeof DashboardDataSchemas)[K]> };
/**
 * An outbound dashboard frame. Deliberately not distributive: `DashboardFrame<K>` for a generic
 * `K` is assignable to `DashboardFrame`, so builders and publishers stay generic. Inbound frames
 * get the discriminated union from `DashboardOutboundFrameSchema`.
 */
export interface DashboardFrame<K extends DashboardFrameType = DashboardFrameType> {
  type: K;
  timestamp: string;
  data: DashboardDataMap[K];
}

export const DashboardOutboundFrameSchema = z.discriminatedUnion('type', [
  envelope('monitoring', MonitoringDataSchema),
  envelope('health', HealthDataSchema),
  envelope('agents', AgentsDataSchema),
  envelope('logs', LogsDataSchema),
  envelope('alert', AlertDataSchema),
  envelope('pause_ack', AckDataSchemas.pause_ack),
  envelope('resume_ack', AckDataSchemas.resume_ack),
  envelope('refresh_ack', AckDataSchemas.refresh_ack),
  envelope('agents_ack', AckDataSchemas.agents_ack),
  envelope('clear_logs_ack', AckDataSchemas.clear_logs_ack),
  envelope('clear_alerts_ack', AckDataSchemas.clear_alerts_ack),
  PongFrameSchema,
]);
/** The parsed (discriminated) form of any outbound dashboard frame, for clients and tests. */
export type DashboardOutboundFrame = z.output<typeof DashboardOutboundFrameSchema>;

/** Close codes and reasons of the dashboard handshake; no error frame is ever sent. */
export const DashboardAuthFailures = Object.freeze({
  // 4000 as in the reference, whose reason was "Internal server error" for all of these; ours
  // says what happened.
  timeout: { code: CloseCodes.DASHBOARD_MALFORMED, reason: 'Authentication timeout' },
  invalid_json: { code: CloseCodes.DASHBOARD_MALFORMED, reason: 'Auth frame is not valid JSON' },
  not_object: { code: CloseCodes.DASHBOARD_MALFORMED, reason: 'Auth frame must be a JSON object' },
  auth_frame_required: { code: CloseCodes.DASHBOARD_UNAUTHORIZED, reason: 'Auth frame required' },
  token_required: { code: CloseCodes.DASHBOARD_UNAUTHORIZED, reason: 'Authentication token required' },
  invalid_token: { code: CloseCodes.DASHBOARD_UNAUTHORIZED, reason: 'Invalid token' },
  forbidden: { code: CloseCodes.DASHBOARD_FORBIDDEN, reason: 'Admin role required' },
} as const);
export type DashboardAuthFailure = keyof typeof DashboardAuthFailures;

export const DashboardAuthFrameSchema = z.looseObject({ type: z.literal('auth'), token: z.string().min(1) });
export type DashboardAuthFrame = z.output<typeof DashboardAuthFrameSchema>;

/**
 * Reads the first client message of `/dashboard/ws` (raw text): not JSON or not an object →
 * 4000; `type` ≠ auth → 4001; no truthy token → 4001; non-string token → invalid.
 */
export function parseDashboardAuth(text: string): { ok: true; token: string } | { ok: false; failure: DashboardAuthFailure } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, failure: 'invalid_json' };
  }
  if (!isPlainObject(value)) return { ok: false, failure: 'not_object' };
  if (value.type !== 'auth') return { ok: false, failure: 'auth_frame_required' };
  if (!pyTruthy(value.token)) return { ok: false, failure: 'token_required' };
  if (typeof value.token !== 'string') return { ok: false, failure: 'invalid_token' };
  return { ok: true, token: value.token };
}

const LEVEL_ALIASES: Readonly<Record<string, string>> = {
  INFORMATION: 'INFO',
  SUCCESS: 'SUCS',
  WARNING: 'WARN',
  CRITICAL: 'CRIT',
  ERROR: 'ERR',
};
export const DASHBOARD_LOG_LEVELS = ['INFO', 'SUCS', 'WARN', 'CRIT', 'ERR'] as const;

/** `DashboardLogRequest`: canonical level (aliases folded), non-blank message, ISO timestamp. */
export const DashboardLogRequestSchema = z.object({
  level: z
    .string()
    .trim()
    .toUpperCase()
    .transform((l) => LEVEL_ALIASES[l] ?? l)
    .pipe(z.enum(DASHBOARD_LOG_LEVELS, { message: 'level must be INFO, SUCS, WARN, CRIT or ERR' })),
  message: z.string().trim().min(1, { message: 'message must not be empty' }),
  timestamp: IsoDateTime,
});
export type DashboardLogRequest = z.output<typeof DashboardLogRequestSchema>;

const bare = <T extends string>(type: T) => z.looseObject({ type: z.literal(type) });

export const DashboardCommandSchema = z.discriminatedUnion('type', [
  bare('ping'),
  bare('pause_monitoring'),
  bare('resume_monitoring'),
  bare('refresh_request'),
  bare('agents_request'),
  bare('clear_logs'),
  bare('clear_alerts'),
  z.looseObject({ type: z.literal('dashboard_log'), data: DashboardLogRequestSchema }),
  z.looseObject({
    type: z.literal('dashboard_alert'),
    data: DashboardAlertDataSchema,
  }),
]);
export type DashboardCommand = z.output<typeof DashboardCommandSchema>;
export type DashboardCommandType = DashboardCommand['type'];

/** Everything a client may send on `/dashboard/ws` as JSON, auth included. */
export const DashboardInboundSchema = z.discriminatedUnion('type', [DashboardAuthFrameSchema, ...DashboardCommandSchema.options]);
export type DashboardInbound = z.output<typeof DashboardInboundSchema>;

const COMMAND_TYPES = new Set<unknown>(DashboardCommandSchema.options.map((o) => o.shape.type.value));

export type DashboardCommandResult =
  { ok: true; command: DashboardCommand } | { ok: false; reason: 'not_object' | 'unknown_type' | 'invalid'; type: string; error: string };

/**
 * Classifies one decoded JSON message after auth. The reference ignores unknown types and
 * invalid `dashboard_log` bodies; the result says which, so the caller can count it.
 */
export function parseDashboardCommand(value: unknown): DashboardCommandResult {
  if (!isPlainObject(value)) return { ok: false, reason: 'not_object', type: 'None', error: 'Message must be a JSON object' };
  if (!COMMAND_TYPES.has(value.type)) {
    return { ok: false, reason: 'unknown_type', type: pyStr(value.type), error: `Unknown message type: ${pyStr(value.type)}` };
  }
  const r = DashboardCommandSchema.safeParse(value);
  if (r.success) return { ok: true, command: r.data };
  return { ok: false, reason: 'invalid', type: String(value.type), error: formatIssues(r.error) };
}
