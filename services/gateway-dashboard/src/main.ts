/** Runs the dashboard gateway on its own: NATS bus, its own uWS port, ops port, graceful drain. */
import { runService, verifyingTokenService } from '@arcp/gateway-core';
import { DashboardGatewayEnv } from './config';
import { createDashboardGateway } from './gateway';

void runService({
  service: 'gateway-dashboard',
  envSchema: DashboardGatewayEnv,
  listenOn: (c) => ({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT }),
  build: ({ config, bus, logger, registry, app }) => {
    const tokens = verifyingTokenService(config);
    const gw = createDashboardGateway({ app, bus, config, tokens, logger, registry, trustProxy: config.TRUST_PROXY });
    return { ...gw, connections: () => gw.handle.count() };
  },
});
