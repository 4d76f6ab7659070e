/**
 * @arcp/gateway-agents: the `/agents/ws` channel (token handshake, the bare agent list on auth
 * and on every directory change, revocation on unregistration).
 */
export { createAgentsGateway, type AgentsGateway, type AgentsGatewayDeps } from './gateway';
export { createAgentsChannel, claimsOf, type AgentsChannelDeps } from './channel';
export { AgentsGatewayEnv, AgentsChannelEnv, type AgentsGatewayConfig, type AgentsChannelConfig } from './config';
