/**
 * Every byte this service reads from or writes to the bus goes through here: bus events are
 * checked against the protocol schemas at the edge, dashboard frames are built and encoded once.
 */
import {
  DASHBOARD_SERVICE_COMMANDS,
  DashboardCommandRequestSchema,
  LogEntrySchema,
  TelemetryEventSchema,
  ackFrame,
  dashboardFrame,
  decodeEvent,
  encodeEvent,
  encodeFrame,
  errorAckData,
  type AckType,
  type DashboardDataMap,
  type DashboardFrame,
  type DashboardFrameTopic,
  type LogEntry,
  type TelemetryEvent,
} from '@arcp/protocol';
import { z } from 'zod';

/**
 * The command request, plus `snapshot`: the initial burst a dashboard gateway asks for when a
 * socket has authenticated (the protocol's command list covers only client commands).
 */
export const CommandRequestSchema = DashboardCommandRequestSchema.extend({
  command: z.enum([...DASHBOARD_SERVICE_COMMANDS, 'snapshot']),
});
export type CommandRequest = z.output<typeof CommandRequestSchema>;

export const encodeTelemetry = (event: TelemetryEvent): Uint8Array => encodeEvent(event);
export const decodeTelemetry = (data: Uint8Array) => decodeEvent(TelemetryEventSchema, data);
export const decodeLogEntry = (data: Uint8Array) => decodeEvent(LogEntrySchema, data);
export const decodeCommand = (data: Uint8Array) => decodeEvent(CommandRequestSchema, data);
export const encodeReply = (frames: unknown[], error?: string): Uint8Array => encodeEvent(error ? { frames, error } : { frames });

export type { DashboardFrame, LogEntry };

/**
 * A periodic-frame envelope. `data` is typed by this service's builders; the health frame's
 * `gateways` component is richer than the protocol's flat component schema, hence the cast.
 */
export function frame(type: DashboardFrameTopic, data: unknown, ts: string): DashboardFrame {
  return dashboardFrame(type, data as DashboardDataMap[typeof type], ts);
}

/** An ack with its canonical success payload, or `{status: 'error', message}`. */
export function ack(type: AckType, ts: string, error?: string): DashboardFrame {
  return error === undefined ? ackFrame(type, undefined, ts) : ackFrame(type, errorAckData(error), ts);
}

export const encodeDashboardFrame = (f: DashboardFrame): Uint8Array => encodeFrame(f);
