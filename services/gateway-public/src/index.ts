/**
 * @arcp/gateway-public: the `/public/ws` channel (welcome, ping/pong, paginated discovery from
 * the local directory, `agents_update` on changes, periodic `stats_update`).
 */
export { createPublicGateway, type PublicGateway, type PublicGatewayDeps } from './gateway';
export { createPublicChannel, type PublicChannelDeps } from './channel';
export { createPublicView, type PublicView } from './view';
export { PublicGatewayEnv, PublicChannelEnv, type PublicGatewayConfig, type PublicChannelConfig } from './config';
