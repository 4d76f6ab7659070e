/**
 * The three WebSocket channels as data: path, how a client authenticates, and every message in
 * each direction with the schema that defines it. The AsyncAPI document and the per-frame JSON
 * Schemas are generated from this catalog (packages/schemas), so they list what the frame files
 * define and nothing hand-copied.
 */
import * as z from 'zod';
import { CHANNELS, type ChannelName } from './channels';
import { PING_TEXT, PONG_TEXT } from './encode';
import {
  AgentAuthFrameSchema,
  AgentListSchema,
  AuthErrorFrameSchema,
  AuthRequiredFrameSchema,
  AuthSuccessFrameSchema,
} from './frames/agents';
import { PongFrameSchema } from './frames/common';
import { DashboardAuthFrameSchema, DashboardCommandSchema, DashboardOutboundFrameSchema } from './frames/dashboard';
import {
  AgentsDeltaFrameSchema,
  AgentsUpdateFrameSchema,
  AgentUpdatesSchema,
  DiscoveryDataFrameSchema,
  ErrorFrameSchema,
  GetDiscoverySchema,
  PublicPingSchema,
  PublicPongSchema,
  StatsUpdateFrameSchema,
  WelcomeFrameSchema,
} from './frames/public';

export interface WsMessage {
  /** Unique within its channel and direction: the frame `type`, or a name for untyped frames. */
  readonly name: string;
  readonly summary: string;
  /** A JSON frame's schema; absent for the plain-text keep-alives (see `text`). */
  readonly schema?: z.ZodType;
  /** The exact text of a plain-text frame. */
  readonly text?: string;
}

export interface WsChannel {
  readonly name: ChannelName;
  readonly path: string;
  readonly summary: string;
  /** How a client authenticates: the first message it sends, or none. */
  readonly auth: string;
  readonly fromClient: readonly WsMessage[];
  readonly fromServer: readonly WsMessage[];
}

/** A JSON ping: any object whose `type` is `ping` (answered with `{type:"pong",timestamp}`). */
export const JsonPingSchema = z.looseObject({ type: z.literal('ping') });

const textPing: WsMessage = { name: 'text_ping', summary: 'Plain-text keep-alive; the other side answers "pong"', text: PING_TEXT };
const textPong: WsMessage = { name: 'text_pong', summary: 'Plain-text answer to "ping"', text: PONG_TEXT };
const jsonPong: WsMessage = { name: 'pong', summary: 'Answer to a JSON ping (epoch seconds)', schema: PongFrameSchema };

const typeOf = (schema: z.ZodObject): string => String((schema.shape as { type: z.ZodLiteral }).type.value);

const DASHBOARD_SUMMARIES: Readonly<Record<string, string>> = {
  monitoring: 'Request and resource figures, every DASHBOARD_WS_INTERVAL (paused by pause_monitoring)',
  health: 'Overall and per-component health (paused by pause_monitoring)',
  agents: 'Every agent with counts, on auth, on change and on agents_request',
  logs: 'Recent log entries: the window on auth and refresh, new entries after that',
  alert: 'Alerts raised by thresholds or sent by operators (paused by pause_monitoring)',
  pause_ack: 'pause_monitoring done',
  resume_ack: 'resume_monitoring done',
  refresh_ack: 'refresh_request done (fresh frames were sent first)',
  agents_ack: 'agents_request done',
  clear_logs_ack: 'clear_logs done',
  clear_alerts_ack: 'clear_alerts done',
  pong: 'Answer to a JSON ping (epoch seconds)',
  ping: 'JSON keep-alive, answered with pong',
  pause_monitoring: 'Stop monitoring, health and alert frames for this socket',
  resume_monitoring: 'Start them again',
  refresh_request: 'Send every frame again now',
  agents_request: 'Send the agents frame now',
  clear_logs: 'Clear the stored logs (cluster-wide)',
  clear_alerts: 'Clear the stored alerts (cluster-wide)',
  dashboard_log: 'Add an entry to the dashboard log',
  dashboard_alert: 'Raise one alert, or several as {alerts: [...]}',
};

const fromUnion = (options: readonly z.ZodObject[]): WsMessage[] =>
  options.map((schema) => {
    const name = typeOf(schema);
    return { name, summary: DASHBOARD_SUMMARIES[name] ?? name, schema };
  });

export const WS_API: readonly WsChannel[] = Object.freeze([
  {
    name: 'public',
    path: CHANNELS.public.path,
    summary: 'Anyone: directory statistics, agent updates and paginated discovery',
    auth: 'None. The server sends the welcome frame at once.',
    fromClient: [
      { name: 'get_discovery', summary: 'Ask for one page of alive agents (answered with discovery_data)', schema: GetDiscoverySchema },
      { name: 'ping', summary: 'JSON keep-alive, answered with pong', schema: PublicPingSchema },
      { name: 'pong', summary: 'JSON answer to a ping (ignored)', schema: PublicPongSchema },
      {
        name: 'agent_updates',
        summary: 'Extension: switch between whole-list agents_update frames (full, the default) and agents_delta frames (delta)',
        schema: AgentUpdatesSchema,
      },
      textPing,
      textPong,
    ],
    fromServer: [
      { name: 'welcome', summary: 'First frame of every connection (constant)', schema: WelcomeFrameSchema },
      { name: 'stats_update', summary: 'Directory statistics, every PUBLIC_WS_INTERVAL', schema: StatsUpdateFrameSchema },
      { name: 'discovery_data', summary: 'One page of alive agents, the answer to get_discovery', schema: DiscoveryDataFrameSchema },
      {
        name: 'agents_update',
        summary: 'Alive agents after a registration, unregistration or status change',
        schema: AgentsUpdateFrameSchema,
      },
      {
        name: 'agents_delta',
        summary: 'Extension, after agent_updates with mode delta: the agents changed since the previous frame',
        schema: AgentsDeltaFrameSchema,
      },
      jsonPong,
      { name: 'error', summary: 'A frame the server could not use (invalid JSON, unknown type, flood)', schema: ErrorFrameSchema },
      textPing,
      textPong,
    ],
  },
  {
    name: 'agents',
    path: CHANNELS.agents.path,
    summary: 'Registered agents: the list of every agent, alive and dead, on every change',
    auth: 'The server sends auth_required; answer {"token": "<agent access token>"} within AGENT_WS_TIMEOUT. Failures: auth_error, then close 1008.',
    fromClient: [
      { name: 'auth', summary: 'The agent access token, as the first message', schema: AgentAuthFrameSchema },
      { name: 'ping', summary: 'JSON keep-alive after auth, answered with pong', schema: JsonPingSchema },
      textPing,
      textPong,
    ],
    fromServer: [
      { name: 'auth_required', summary: 'First frame: send the token', schema: AuthRequiredFrameSchema },
      { name: 'auth_success', summary: 'The token was accepted; the agent list follows', schema: AuthSuccessFrameSchema },
      { name: 'auth_error', summary: 'The token was refused; the server closes with 1008', schema: AuthErrorFrameSchema },
      { name: 'agent_list', summary: 'A bare JSON array of every agent, after auth and on every change', schema: AgentListSchema },
      jsonPong,
      {
        name: 'error',
        summary:
          'After auth: a frame that is not JSON or not a JSON object, a binary frame (then close 1003), or a flood (then close 4008)',
        schema: ErrorFrameSchema,
      },
      textPing,
      textPong,
    ],
  },
  {
    name: 'dashboard',
    path: CHANNELS.dashboard.path,
    summary: 'Operators: monitoring, health, agents, logs and alerts, and commands',
    auth: 'Send {"type":"auth","token":"<admin token>"} first, within DASHBOARD_WS_TIMEOUT. No frame on failure: close 4000 (malformed), 4001 (no or invalid token) or 4003 (not admin).',
    fromClient: [
      { name: 'auth', summary: 'The admin token, as the first message', schema: DashboardAuthFrameSchema },
      ...fromUnion(DashboardCommandSchema.options as unknown as z.ZodObject[]),
      { ...textPing, summary: 'Plain-text keep-alive (exactly "ping"); answered "pong"' },
      textPong,
    ],
    fromServer: [
      ...fromUnion(DashboardOutboundFrameSchema.options as unknown as z.ZodObject[]),
      {
        name: 'error',
        summary:
          'A frame that is not JSON or not a JSON object, a command with invalid data, a binary frame (then close 1003), or a flood (then close 4008)',
        schema: ErrorFrameSchema,
      },
      textPing,
      textPong,
    ],
  },
]);
