/** Runs the agents gateway on its own: NATS bus, its own uWS port, ops port, graceful drain. */
import { createTokenService } from '@arcp/auth';
import { runService } from '@arcp/gateway-core';
import { AgentsGatewayEnv } from './config';
import { createAgentsGateway } from './gateway';

void runService({
  service: 'gateway-agents',
  envSchema: AgentsGatewayEnv,
  listenOn: (c) => ({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT }),
  build: ({ config, bus, logger, registry, app }) => {
    // Only verification is used here; the lifetimes matter to the issuer (the registry).
    const tokens = createTokenService({ secret: config.JWT_SECRET, algorithm: config.JWT_ALGORITHM, agentTtlS: 1, adminTtlS: 1, tempTtlS: 1 });
    const gw = createAgentsGateway({ app, bus, config, tokens, logger, registry });
    return { ...gw, connections: () => gw.handle.count() };
  },
});
