/**
 * `/public/ws`: no auth; open once the welcome frame arrives (again after every reconnect).
 * `getDiscovery` asks for a page and resolves with the `discovery_data` answer. `agentUpdates`
 * switches to the delta extension (kept across reconnects), and `onAgents` gives the alive agents
 * after every change in either mode.
 */
import type { AgentUpdateMode, AgentsUpdateFrame, DiscoveryDataFrame, PublicOutboundFrame, WsAgentWire } from '@arcp/protocol';
import { ChannelClient, type ChannelOptions } from '../connection';
import { ArcpError } from '../errors';

export type PublicFrame = PublicOutboundFrame;

export interface DiscoveryRequest {
  page?: number;
  pageSize?: number;
  agentType?: string;
}

export class PublicChannel extends ChannelClient<PublicFrame> {
  private readonly sticky: { updates: AgentUpdateMode };

  constructor(options: ChannelOptions) {
    const session: { updates: AgentUpdateMode } = { updates: 'full' };
    super(
      {
        onSocketOpen() {},
        onJson(io, value) {
          const frame = value as PublicFrame;
          if (!io.isReady && frame.type === 'welcome') io.ready();
          io.deliver(frame);
        },
        onReady(io, resumed) {
          // A new socket starts with whole lists: ask again; its answer is the new base.
          if (resumed && session.updates === 'delta') io.send('{"type":"agent_updates","mode":"delta"}');
        },
      },
      options,
    );
    this.sticky = session;
  }

  /** `delta` after `agentUpdates('delta')` (on this and every later socket), else `full`. */
  get updates(): AgentUpdateMode {
    return this.sticky.updates;
  }

  /**
   * Switches between whole-list `agents_update` frames (`full`, the server's default) and the
   * `agents_delta` extension (`delta`: only the agents that changed). Resolves with the
   * `agents_update` the server answers with, the base later deltas apply to.
   */
  async agentUpdates(mode: AgentUpdateMode, timeoutMs?: number): Promise<AgentsUpdateFrame> {
    const frame = await this.request({ type: 'agent_updates', mode }, (f) => f.type === 'agents_update' || f.type === 'error', timeoutMs);
    if (frame.type === 'error') throw new ArcpError(`agent_updates refused: ${frame.message}`);
    this.sticky.updates = mode;
    return frame as AgentsUpdateFrame;
  }

  /**
   * Calls `listener` with every alive agent after each `agents_update` or `agents_delta` frame,
   * whichever mode the channel is in. Returns the function that stops it.
   */
  onAgents(listener: (agents: readonly WsAgentWire[]) => void): () => void {
    const held = new Map<string, WsAgentWire>();
    return this.on('frame', (frame) => {
      if (frame.type === 'agents_update') {
        held.clear();
        for (const agent of frame.data.agents) held.set(agent.agent_id, agent);
      } else if (frame.type === 'agents_delta') {
        for (const agent of frame.data.upserted) held.set(agent.agent_id, agent);
        for (const id of frame.data.removed) held.delete(id);
      } else return;
      listener([...held.values()]);
    });
  }

  /** One page of alive agents (the server clamps `pageSize` to 1–100). */
  async getDiscovery(request: DiscoveryRequest = {}, timeoutMs?: number): Promise<DiscoveryDataFrame> {
    const ask = {
      type: 'get_discovery',
      ...(request.page !== undefined ? { page: request.page } : {}),
      ...(request.pageSize !== undefined ? { page_size: request.pageSize } : {}),
      ...(request.agentType !== undefined ? { agent_type: request.agentType } : {}),
    };
    const frame = await this.request(ask, (f) => f.type === 'discovery_data' || f.type === 'error', timeoutMs);
    if (frame.type === 'error') throw new ArcpError(`discovery refused: ${frame.message}`);
    return frame as DiscoveryDataFrame;
  }

  /** Sends `{"type":"ping"}` and resolves with the `pong` frame. */
  async ping(timeoutMs?: number): Promise<Extract<PublicFrame, { type: 'pong' }>> {
    return this.request({ type: 'ping' }, (f): f is Extract<PublicFrame, { type: 'pong' }> => f.type === 'pong', timeoutMs);
  }
}
