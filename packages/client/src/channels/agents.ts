/**
 * `/agents/ws`: the server asks with `auth_required`, the client answers `{token}` (read from
 * the token source on every connect, so a refreshed token is used on resume), and the channel
 * is open at `auth_success`. The bare JSON array the server sends on every change is delivered
 * as `{type: 'agent_list', agents}` so every frame has a `type`.
 */
import type { AgentList, AuthErrorFrame, AuthRequiredFrame, AuthSuccessFrame, PongFrame } from '@arcp/protocol';
import { CloseCodes } from '@arcp/protocol/wire';
import { ChannelClient, type ChannelOptions } from '../connection';
import { ArcpAuthError } from '../errors';
import { resolveToken, type TokenSource } from '../token';

export interface AgentListFrame {
  type: 'agent_list';
  agents: AgentList;
}

export type AgentsFrame = AuthRequiredFrame | AuthSuccessFrame | AuthErrorFrame | PongFrame | AgentListFrame;

export interface AgentsChannelOptions extends ChannelOptions {
  /** The agent access token, or a function returning a current one (called on every connect). */
  token: TokenSource;
}

export class AgentsChannel extends ChannelClient<AgentsFrame> {
  constructor(options: AgentsChannelOptions) {
    const { token } = options;
    super(
      {
        onSocketOpen() {},
        onJson(io, value) {
          if (Array.isArray(value)) return io.deliver({ type: 'agent_list', agents: value as AgentList });
          const frame = value as AgentsFrame;
          io.deliver(frame);
          if (frame.type === 'auth_required') {
            resolveToken(token).then(
              (t) => io.send(JSON.stringify({ token: t })),
              (err: unknown) => io.failOrRetry(err),
            );
          } else if (frame.type === 'auth_success') {
            io.ready();
          } else if (frame.type === 'auth_error') {
            io.fail(new ArcpAuthError(CloseCodes.POLICY_VIOLATION, frame.message, `agent authentication refused: ${frame.message}`));
          }
        },
      },
      options,
    );
  }

  /** Sends `{"type":"ping"}` and resolves with the `pong` frame. */
  async ping(timeoutMs?: number): Promise<PongFrame> {
    return this.request({ type: 'ping' }, (f): f is PongFrame => f.type === 'pong', timeoutMs);
  }
}
