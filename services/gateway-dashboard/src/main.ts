/** Runs the dashboard gateway on its own: NATS bus, its own uWS port, ops port, graceful drain. */
import { createTokenService } from '@arcp/auth';
import { runService } from '@arcp/gateway-core';
import { DashboardGatewayEnv } from './config';
import { createDashboardGateway } from './gateway';

void runService({
  service: 'gateway-dashboard',
  envSchema: DashboardGatewayEnv,
  listenOn: (c) => ({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT }),
  build: ({ config, bus, logger, registry, app }) => {
    // Only verification is used here; the lifetimes matter to the issuer (the registry).
    const tokens = createTokenService({ secret: config.JWT_SECRET, algorithm: config.JWT_ALGORITHM, agentTtlS: 1, adminTtlS: 1, tempTtlS: 1 });
    const gw = createDashboardGateway({ app, bus, config, tokens, logger, registry });
    return { ...gw, connections: () => gw.handle.count() };
  },
});
