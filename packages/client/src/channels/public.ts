/**
 * `/public/ws`: no auth; open once the welcome frame arrives (again after every reconnect).
 * `getDiscovery` asks for a page and resolves with the `discovery_data` answer.
 */
import type { DiscoveryDataFrame, PublicOutboundFrame } from '@arcp/protocol';
import { ChannelClient, type ChannelOptions } from '../connection';
import { ArcpError } from '../errors';

export type PublicFrame = PublicOutboundFrame;

export interface DiscoveryRequest {
  page?: number;
  pageSize?: number;
  agentType?: string;
}

export class PublicChannel extends ChannelClient<PublicFrame> {
  constructor(options: ChannelOptions) {
    super(
      {
        onSocketOpen() {},
        onJson(io, value) {
          const frame = value as PublicFrame;
          if (!io.isReady && frame.type === 'welcome') io.ready();
          io.deliver(frame);
        },
      },
      options,
    );
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
