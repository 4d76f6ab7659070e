/**
 * The messages this service exchanges with other services: the bus events it consumes (checked
 * against the protocol schemas at the edge), command replies, and the dashboard frames it builds
 * and encodes once. Its own streams (logs, alerts) encode their records in `stores/`.
 */
import {
  DashboardCommandRequestSchema,
  LogEntrySchema,
  TelemetryEventSchema,
  ackFrame,
  dashboardFrame,
  decodeJson,
  encodeJson,
  encodeFrame,
  errorAckData,
  type AckType,
  type DashboardCommandReply,
  type DashboardCommandRequest,
  type DashboardDataMap,
  type DashboardFrame,
  type DashboardFrameTopic,
} from '@arcp/protocol';
import { z } from 'zod';
import { type HealthData } from './frames/health';

export type CommandRequest = DashboardCommandRequest;

/**
 * A log event as published, without the protocol's fixed 2048-character clamp: the ingest cuts
 * messages at DASHBOARD_LOG_MESSAGE_MAXLEN itself, which may be set above 2048.
 */
const IncomingLogEntrySchema = LogEntrySchema.extend({ message: z.string() });

export const decodeTelemetry = (data: Uint8Array) => decodeJson(TelemetryEventSchema, data);
export const decodeLogEntry = (data: Uint8Array) => decodeJson(IncomingLogEntrySchema, data);
export const decodeCommand = (data: Uint8Array) => decodeJson(DashboardCommandRequestSchema, data);

export function encodeReply(frames: DashboardFrame[], error?: string): Uint8Array {
  const reply: DashboardCommandReply = error === undefined ? { frames } : { frames, error };
  return encodeJson(reply);
}

export type { DashboardFrame };

/** Frame data as this service builds it: the protocol's types, and our own health type. */
export type FrameData = Omit<DashboardDataMap, 'health'> & { health: HealthData };

/**
 * A periodic-frame envelope. Health is cast: the protocol schema accepts our `gateways` component
 * (tested there and in view.test.ts), but its inferred type gives every component the flat
 * catch-all shape, which `agents` and `gateways` cannot satisfy in TypeScript.
 */
export function frame<K extends DashboardFrameTopic>(type: K, data: FrameData[K], ts: string): DashboardFrame<K> {
  return dashboardFrame(type, data as DashboardDataMap[K], ts);
}

/** An ack with its canonical success payload, or `{status: 'error', message}`. */
export function ack(type: AckType, ts: string, error?: string): DashboardFrame {
  return error === undefined ? ackFrame(type, undefined, ts) : ackFrame(type, errorAckData(error), ts);
}

export const encodeDashboardFrame = (f: DashboardFrame): Uint8Array => encodeFrame(f);
