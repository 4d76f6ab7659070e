/**
 * The WebSocket channels of the protocol as data: name, path and who may connect. Everything
 * else that differs per channel (service names, telemetry roles, edge routes, gateway config and
 * implementation) is derived from this table, so a channel is added here and in
 * `@arcp/gateway`'s catalog, not in type unions spread over the tree.
 */

export const CHANNELS = Object.freeze({
  public: { path: '/public/ws', auth: 'none' },
  agents: { path: '/agents/ws', auth: 'agent-token' },
  dashboard: { path: '/dashboard/ws', auth: 'admin-token' },
} as const);

export type ChannelName = keyof typeof CHANNELS;
/** Who may connect: anyone, an agent token as first message, an admin token as first message. */
export type ChannelAuthKind = (typeof CHANNELS)[ChannelName]['auth'];

export const CHANNEL_NAMES = Object.freeze(Object.keys(CHANNELS) as ChannelName[]);

/** The deployment (service, image, compose service, k8s Deployment) that serves a channel. */
export type GatewayService = `gateway-${ChannelName}`;

export function gatewayService(channel: ChannelName): GatewayService {
  return `gateway-${channel}`;
}

export function channelPath(channel: ChannelName): string {
  return CHANNELS[channel].path;
}
