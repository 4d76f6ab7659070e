/**
 * @arcp/client: the ARCP realtime SDK for browsers and Node. One class per WebSocket channel
 * (typed frames, events and async iteration, reconnect driven by close codes, re-auth on resume),
 * the registry's HTTP API, and an agent session that keeps an agent registered and alive.
 */
export { PublicChannel, type PublicFrame, type DiscoveryRequest } from './channels/public';
export { AgentsChannel, type AgentsChannelOptions, type AgentsFrame, type AgentListFrame } from './channels/agents';
export { DashboardChannel, type DashboardChannelOptions, type DashboardFrame, type DashboardLogLevel } from './channels/dashboard';
export {
  ChannelClient,
  type ChannelEvents,
  type ChannelOptions,
  type ConnectionState,
  type FrameType,
  type KeepAliveOptions,
  type StateChange,
} from './connection';
export { ArcpHttp, type AgentFilters, type HttpOptions, type RequestOptions } from './http';
export { AgentSession, type AgentSessionEvents, type AgentSessionOptions } from './agent-session';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export { closeVerdict, type CloseVerdict } from './close-policy';
export { resolveToken, tokenExpiry, type TokenSource } from './token';
export { type WebSocketConstructor } from './websocket';
export {
  ArcpAuthError,
  ArcpClosedError,
  ArcpConfigError,
  ArcpError,
  ArcpHttpError,
  ArcpRateLimitedError,
  ArcpReconnectFailedError,
  ArcpRevokedError,
  ArcpSlowConsumerError,
  ArcpTimeoutError,
  ArcpTokenExpiredError,
  type Problem,
} from './errors';
export {
  CHANNELS,
  channelPath,
  CLOSE_CODE_INFO,
  CloseCodes,
  isReconnectCode,
  type ChannelName,
  type CloseCodeInfo,
} from '@arcp/protocol/wire';
