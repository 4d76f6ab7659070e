/**
 * @arcp/gateway: the WebSocket channels of ARCP on top of `@arcp/ws-engine`. Channels are data
 * (`GATEWAY_CHANNELS`: path, auth, `<PREFIX>_WS_*` variables, implementation); each gateway
 * service and the standalone process are derived from that table. Also the credential gate
 * (tokens + revocations) and the gateways' read model of the agent directory.
 */
export { GATEWAY_CHANNELS, authenticates, channelEnv, channelLimits, type ChannelSpec } from './channels';
export { gatewayServiceEnv, mountGateway, mountGateways, runGateway, type MountGatewayDeps } from './run';
export { channelEnvFields, channelLimitsFrom, type ChannelEnvDefaults, type ChannelEnvFields } from './channel-env';
export { createCredentialGate, revocationMatches, type CredentialGate, type CredentialGateDeps } from './credentials';
export { createCoalescer, type Coalescer, type CoalescerOptions } from './coalesce';
export { directoryCache, LAST_SEEN_REFRESH_MS, type DirectoryCache } from './view-cache';
export { gatewayDirectory, type GatewayDeps, type Gateway } from './kit';
export { createPublicGateway, type PublicGateway } from './public/gateway';
export { createPublicView, type PublicView } from './public/view';
export { PublicChannelEnv, type PublicChannelConfig } from './public/config';
export { createAgentsGateway, type AgentsGateway } from './agents/gateway';
export { AgentsChannelEnv, type AgentsChannelConfig } from './agents/config';
export { createDashboardGateway, type DashboardGateway } from './dashboard/gateway';
export { DashboardChannelEnv, type DashboardChannelConfig } from './dashboard/config';
