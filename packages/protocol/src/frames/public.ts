/**
 * `/public/ws` frames in both directions (as in the original ARCP server): the constant welcome, stats, discovery
 * pages, agent updates, pong and error frames out; ping/pong/get_discovery in. One extension of ours:
 * `agent_updates` in and `agents_delta` out (see AgentsDeltaFrameSchema).
 */
import * as z from 'zod';
import { formatIssues, isPlainObject, pyInt, pyStr } from '../validation';
import { PongFrameSchema, WsAgentWireSchema } from './common';

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 100;

/** The first frame of every public connection; constant. */
export const WELCOME_FRAME = Object.freeze({
  type: 'welcome',
  message: 'Connected to ARCP Public API WebSocket',
  features: Object.freeze(['agent_updates', 'public_stats', 'discovery_events', 'paginated_discovery']),
  commands: Object.freeze({
    ping: 'Send ping to check connection',
    get_discovery: 'Get agent discovery data with pagination',
  }),
  pagination: Object.freeze({
    default_page_size: DEFAULT_PAGE_SIZE,
    max_page_size: MAX_PAGE_SIZE,
    usage: "Send {type: 'get_discovery', page: 1, page_size: 30, agent_type: 'optional'}",
  }),
} as const);

export const WelcomeFrameSchema = z.strictObject({
  type: z.literal('welcome'),
  message: z.literal(WELCOME_FRAME.message),
  features: z.tuple([
    z.literal('agent_updates'),
    z.literal('public_stats'),
    z.literal('discovery_events'),
    z.literal('paginated_discovery'),
  ]),
  commands: z.strictObject({
    ping: z.literal(WELCOME_FRAME.commands.ping),
    get_discovery: z.literal(WELCOME_FRAME.commands.get_discovery),
  }),
  pagination: z.strictObject({
    default_page_size: z.literal(DEFAULT_PAGE_SIZE),
    max_page_size: z.literal(MAX_PAGE_SIZE),
    usage: z.literal(WELCOME_FRAME.pagination.usage),
  }),
});
export type WelcomeFrame = z.output<typeof WelcomeFrameSchema>;

const count = z.number().int().min(0);

export const StatsDataSchema = z
  .strictObject({
    total_agents: count,
    alive_agents: count,
    dead_agents: count,
    agent_types_count: count,
    available_types: z.array(z.string()),
    system_status: z.literal('operational'),
  })
  .refine((d) => d.total_agents === d.alive_agents + d.dead_agents, {
    message: 'total_agents must equal alive_agents + dead_agents',
  });
export type StatsData = z.output<typeof StatsDataSchema>;

export const StatsUpdateFrameSchema = z.strictObject({
  type: z.literal('stats_update'),
  timestamp: z.number(),
  data: StatsDataSchema,
});
export type StatsUpdateFrame = z.output<typeof StatsUpdateFrameSchema>;

export const PaginationSchema = z.strictObject({
  current_page: z.number().int().min(1),
  page_size: z.number().int().min(1).max(MAX_PAGE_SIZE),
  total_agents: count,
  total_pages: count,
  has_next: z.boolean(),
  has_previous: z.boolean(),
  next_page: z.number().int().nullable(),
  previous_page: z.number().int().nullable(),
});
export type Pagination = z.output<typeof PaginationSchema>;

/** The `agent_type` filter is echoed back exactly as the client sent it (any JSON value). */
export const DiscoveryDataSchema = z.strictObject({
  agents: z.array(WsAgentWireSchema),
  pagination: PaginationSchema,
  filters: z.strictObject({ agent_type: z.unknown() }),
});

export const DiscoveryDataFrameSchema = z.strictObject({
  type: z.literal('discovery_data'),
  timestamp: z.number(),
  data: DiscoveryDataSchema,
});
export type DiscoveryDataFrame = z.output<typeof DiscoveryDataFrameSchema>;

export const AgentsUpdateFrameSchema = z.strictObject({
  type: z.literal('agents_update'),
  timestamp: z.number(),
  data: z.strictObject({ agents: z.array(WsAgentWireSchema), total_count: count }),
});
export type AgentsUpdateFrame = z.output<typeof AgentsUpdateFrameSchema>;

/**
 * Extension (not in the original protocol): for a socket that asked for it with
 * `{"type": "agent_updates", "mode": "delta"}`, the agents that changed since the previous frame
 * instead of the whole list. `upserted` holds each agent that is alive now, as `agents_update`
 * would show it; `removed` the ids of agents that unregistered or went dead; `total_count` the
 * number of alive agents once applied. Applied in order over the `agents_update` that answered
 * the request, the client holds what a whole-list frame would carry (but for `last_seen`, which
 * whole-list frames also refresh on other agents' changes).
 */
export const AgentsDeltaFrameSchema = z.strictObject({
  type: z.literal('agents_delta'),
  timestamp: z.number(),
  data: z.strictObject({ upserted: z.array(WsAgentWireSchema), removed: z.array(z.string()), total_count: count }),
});
export type AgentsDeltaFrame = z.output<typeof AgentsDeltaFrameSchema>;

export const ErrorFrameSchema = z.strictObject({ type: z.literal('error'), message: z.string() });
export type ErrorFrame = z.output<typeof ErrorFrameSchema>;

export const PublicOutboundFrameSchema = z.discriminatedUnion('type', [
  WelcomeFrameSchema,
  StatsUpdateFrameSchema,
  DiscoveryDataFrameSchema,
  AgentsUpdateFrameSchema,
  AgentsDeltaFrameSchema,
  PongFrameSchema,
  ErrorFrameSchema,
]);
export type PublicOutboundFrame = z.output<typeof PublicOutboundFrameSchema>;

export const PublicErrors = Object.freeze({
  INVALID_JSON: 'Invalid JSON format',
  DISCOVERY_FAILED: 'Failed to get discovery data',
  /** Ours: the reference silently dropped the connection on non-object JSON (a flaw of the original server). */
  NOT_AN_OBJECT: 'Message must be a JSON object',
  /** Ours, for the agent_updates extension. */
  AGENT_UPDATES_INVALID: "Invalid agent_updates: mode must be 'full' or 'delta'",
});

/** `Unknown message type: <type>`, with Python's rendering of the value (`None` when absent). */
export function unknownTypeMessage(type: unknown): string {
  return `Unknown message type: ${pyStr(type)}`;
}

/** Inbound JSON, as sent (extra keys allowed, as in the reference). */
export const PublicPingSchema = z.looseObject({ type: z.literal('ping') });
export const PublicPongSchema = z.looseObject({ type: z.literal('pong') });

/** Python `int()` on an optional field; `undefined` result means unconvertible. */
function pyIntOr(value: unknown, fallback: number): number | undefined {
  return value === undefined ? fallback : pyInt(value);
}

/**
 * `get_discovery`: `page`/`page_size` go through Python `int()` (unconvertible values fail the
 * whole command), then `page ≥ 1` and `1 ≤ page_size ≤ 100`; `agent_type` is any JSON value.
 */
export const GetDiscoverySchema = z
  .looseObject({
    type: z.literal('get_discovery'),
    // Declared for documentation only: any value is read with Python int() semantics below.
    page: z.unknown().optional().describe('Page number, an integer ≥ 1 (default 1)'),
    page_size: z.unknown().optional().describe(`Agents per page, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`),
    agent_type: z.unknown().optional().describe('Only agents of this type; echoed back in data.filters'),
  })
  .transform((m, ctx) => {
    const page = pyIntOr(m.page, 1);
    const size = pyIntOr(m.page_size, DEFAULT_PAGE_SIZE);
    if (page === undefined) ctx.addIssue({ code: 'custom', path: ['page'], message: `Expected an integer, received ${pyStr(m.page)}` });
    if (size === undefined)
      ctx.addIssue({ code: 'custom', path: ['page_size'], message: `Expected an integer, received ${pyStr(m.page_size)}` });
    if (page === undefined || size === undefined) return z.NEVER;
    return {
      type: m.type,
      // Python ints have no ceiling; ours stop at the largest exact integer, so the page numbers
      // of the answer (and the one before it) stay integers the frame schema accepts.
      page: Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, page)),
      page_size: Math.min(MAX_PAGE_SIZE, Math.max(1, size)),
      agent_type: m.agent_type === undefined ? null : m.agent_type,
    };
  });
export type GetDiscoveryCommand = z.output<typeof GetDiscoverySchema>;

/** How a socket receives directory changes: whole lists (`full`, the default) or `delta` frames. */
export const AGENT_UPDATE_MODES = ['full', 'delta'] as const;
export type AgentUpdateMode = (typeof AGENT_UPDATE_MODES)[number];

/**
 * Extension: `agent_updates` switches the socket between `agents_update` (whole list, `full`)
 * and `agents_delta` frames (`delta`); answered with an `agents_update` of the current list,
 * the base the deltas that follow apply to.
 */
export const AgentUpdatesSchema = z.looseObject({
  type: z.literal('agent_updates'),
  mode: z.enum(AGENT_UPDATE_MODES).describe("'delta': agents_delta frames from now on; 'full': agents_update frames (the default)"),
});
export type AgentUpdatesCommand = { type: 'agent_updates'; mode: AgentUpdateMode };

export type PublicCommand = { type: 'ping' } | { type: 'pong' } | GetDiscoveryCommand | AgentUpdatesCommand;

export type PublicInboundResult =
  | { ok: true; command: PublicCommand }
  | { ok: false; reason: 'not_object'; message: string }
  | { ok: false; reason: 'unknown_type'; type: string; message: string }
  | { ok: false; reason: 'invalid'; type: 'get_discovery' | 'agent_updates'; message: string; detail: string };

/**
 * Classifies one decoded JSON message of `/public/ws`. Every failure carries the `message` of
 * the error frame to answer with; `detail` says what was wrong (for logs and metrics).
 */
export function parsePublicInbound(value: unknown): PublicInboundResult {
  if (!isPlainObject(value)) return { ok: false, reason: 'not_object', message: PublicErrors.NOT_AN_OBJECT };
  const type = value.type;
  if (type === 'ping' || type === 'pong') return { ok: true, command: { type } };
  if (type === 'agent_updates') {
    const u = AgentUpdatesSchema.safeParse(value);
    if (u.success) return { ok: true, command: { type, mode: u.data.mode } };
    return { ok: false, reason: 'invalid', type, message: PublicErrors.AGENT_UPDATES_INVALID, detail: formatIssues(u.error) };
  }
  if (type !== 'get_discovery') {
    return { ok: false, reason: 'unknown_type', type: pyStr(type), message: unknownTypeMessage(type) };
  }
  const r = GetDiscoverySchema.safeParse(value);
  if (r.success) return { ok: true, command: r.data };
  return { ok: false, reason: 'invalid', type: 'get_discovery', message: PublicErrors.DISCOVERY_FAILED, detail: formatIssues(r.error) };
}
