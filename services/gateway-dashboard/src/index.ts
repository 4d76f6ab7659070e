/**
 * @arcp/gateway-dashboard: the `/dashboard/ws` channel (admin handshake, frames from the metrics
 * service, pause/resume and the relayed commands, revocation on logout).
 */
export { createDashboardGateway, type DashboardGateway, type DashboardGatewayDeps } from './gateway';
export { createDashboardChannel, claimsOf, type DashboardChannelDeps } from './channel';
export { DashboardGatewayEnv, DashboardChannelEnv, type DashboardGatewayConfig, type DashboardChannelConfig } from './config';
