/** The three WebSocket channels and their paths: the names every client and edge routes by. */
export const CHANNEL_PATHS = Object.freeze({
  public: '/public/ws',
  agents: '/agents/ws',
  dashboard: '/dashboard/ws',
} as const);

export type ChannelName = keyof typeof CHANNEL_PATHS;
