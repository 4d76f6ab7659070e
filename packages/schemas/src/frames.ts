/**
 * Every frame of the three channels, both directions, as one flat list with stable ids
 * (`public.server.welcome`, `dashboard.client.auth`), its schema, and examples built by the
 * protocol's own constants and builders (fixed instants, so generation stays deterministic).
 * Plain-text keep-alives get a string schema of their text.
 */
import {
  ackFrame,
  AUTH_REQUIRED_FRAME,
  AUTH_SUCCESS_FRAME,
  authErrorFrame,
  errorFrame,
  pongFrame,
  PublicErrors,
  WELCOME_FRAME,
  WS_API,
  type WsChannel,
  type WsMessage,
} from '@arcp/protocol';
import { z } from 'zod';

export type Side = 'client' | 'server';

export interface FrameEntry {
  readonly id: string;
  readonly channel: WsChannel;
  readonly side: Side;
  readonly message: WsMessage;
  readonly schema: z.ZodType;
  readonly contentType: 'application/json' | 'text/plain';
  /** Examples (a JSON value, or the text of a text frame); each one passes `schema`. */
  readonly examples: readonly unknown[];
}

const AT_MS = Date.UTC(2025, 8, 7, 21, 28, 48, 934);
const AT_ISO = new Date(AT_MS).toISOString().replace('Z', '000Z');

/** Frames the server sends verbatim or builds from a fixed input; keyed by frame id. */
const BUILT_EXAMPLES: Readonly<Record<string, unknown>> = {
  'public.server.welcome': WELCOME_FRAME,
  'public.server.error': errorFrame(PublicErrors.INVALID_JSON),
  'public.server.pong': pongFrame(AT_MS),
  'public.client.get_discovery': { type: 'get_discovery', page: 1, page_size: 30, agent_type: 'security' },
  'public.client.ping': { type: 'ping' },
  'agents.server.auth_required': AUTH_REQUIRED_FRAME,
  'agents.server.auth_success': AUTH_SUCCESS_FRAME,
  'agents.server.auth_error': authErrorFrame('invalid_token'),
  'agents.client.auth': { token: '<agent access token>' },
  'dashboard.client.auth': { type: 'auth', token: '<admin token>' },
  'dashboard.client.dashboard_log': { type: 'dashboard_log', data: { level: 'INFO', message: 'Maintenance starts', timestamp: AT_ISO } },
  'dashboard.server.pause_ack': ackFrame('pause_ack', undefined, AT_ISO),
  'dashboard.server.resume_ack': ackFrame('resume_ack', undefined, AT_ISO),
  'dashboard.server.refresh_ack': ackFrame('refresh_ack', undefined, AT_ISO),
  'dashboard.server.agents_ack': ackFrame('agents_ack', undefined, AT_ISO),
  'dashboard.server.clear_logs_ack': ackFrame('clear_logs_ack', undefined, AT_ISO),
  'dashboard.server.clear_alerts_ack': ackFrame('clear_alerts_ack', undefined, AT_ISO),
};

function examplesFor(id: string, message: WsMessage, schema: z.ZodType): unknown[] {
  if (message.text !== undefined) return [message.text];
  if (id.startsWith('dashboard.client.') && BUILT_EXAMPLES[id] === undefined)
    return [{ type: message.name }].filter((v) => schema.safeParse(v).success);
  const example = BUILT_EXAMPLES[id];
  if (example === undefined) return [];
  // An example the schema refuses is a bug here or in the protocol: fail generation loudly.
  if (!schema.safeParse(example).success) throw new Error(`example of ${id} does not match its schema`);
  return [example];
}

export function frameEntries(): FrameEntry[] {
  const out: FrameEntry[] = [];
  for (const channel of WS_API) {
    for (const [side, messages] of [
      ['client', channel.fromClient],
      ['server', channel.fromServer],
    ] as const) {
      for (const message of messages) {
        const schema = message.schema ?? z.literal(message.text ?? '').describe(`The plain-text frame "${message.text}" (not JSON)`);
        const id = `${channel.name}.${side}.${message.name}`;
        out.push({
          id,
          channel,
          side,
          message,
          schema,
          contentType: message.schema ? 'application/json' : 'text/plain',
          examples: examplesFor(id, message, schema),
        });
      }
    }
  }
  return out;
}
