/**
 * `/public/ws` handlers: the welcome frame, `get_discovery` served from the local view (no bus
 * round trip), the `agent_updates` extension (whole lists or deltas), error frames for bad input.
 * Plain functions over the neutral Connection.
 */
import type { Connection, EndpointDefinition, EndpointLimits } from '@arcp/ws-engine';
import {
  PublicErrors,
  Topics,
  WELCOME_FRAME,
  agentsUpdateFrame,
  discoveryFrame,
  encodeFrame,
  errorFrame,
  paginate,
  parsePublicInbound,
  type AgentUpdateMode,
} from '@arcp/protocol';
import type { PublicView } from './view';

const WELCOME_BYTES = encodeFrame(WELCOME_FRAME).toString();

export interface PublicChannelDeps {
  view: PublicView;
  /** The read-your-writes barrier: a page reflects every registration acknowledged before it was asked for. */
  sync(): Promise<unknown>;
  limits: EndpointLimits;
  now?: () => number;
  /** Counts a rejected client frame. */
  badFrame(reason: string): void;
}

export function createPublicChannel(deps: PublicChannelDeps): EndpointDefinition {
  const now = deps.now ?? Date.now;
  const sendError = (conn: Connection, reason: string, message: string) => {
    deps.badFrame(reason);
    conn.send(JSON.stringify(errorFrame(message)), false, 'error');
  };
  /**
   * The agent_updates extension: move the socket to the other broadcast, then send the current
   * list (after the barrier) as the base that later deltas apply to. A delta published while the
   * barrier is pending may arrive first; the list that follows is at least as new, so the client
   * ends up right either way.
   */
  const switchUpdates = async (conn: Connection, mode: AgentUpdateMode) => {
    const [from, to] = mode === 'delta' ? [Topics.publicAgents, Topics.publicAgentsDelta] : [Topics.publicAgentsDelta, Topics.publicAgents];
    conn.unsubscribe(from);
    conn.subscribe(to);
    await deps.sync();
    if (conn.isOpen) conn.send(JSON.stringify(agentsUpdateFrame([...deps.view.alive()], now())), false, 'agents_update');
  };
  return {
    name: 'public',
    path: '/public/ws',
    limits: deps.limits,
    textPing: 'trim-lower',
    jsonPing: true,
    onOpen(conn) {
      conn.send(WELCOME_BYTES, false, 'welcome');
      conn.subscribe(Topics.publicStats);
      conn.subscribe(Topics.publicAgents);
    },
    async onMessage(conn, text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return sendError(conn, 'invalid_json', PublicErrors.INVALID_JSON);
      }
      const parsed = parsePublicInbound(value);
      if (!parsed.ok) return sendError(conn, parsed.reason, parsed.message);
      const cmd = parsed.command;
      if (cmd.type === 'agent_updates') return switchUpdates(conn, cmd.mode);
      // JSON ping/pong are answered by the engine; anything else reaching here is get_discovery.
      if (cmd.type !== 'get_discovery') return;
      await deps.sync();
      const page = paginate(deps.view.agents(), cmd);
      conn.send(JSON.stringify(discoveryFrame(page, now())), false, 'discovery_data');
    },
    onClose() {},
  };
}
