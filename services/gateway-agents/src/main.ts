/** Runs the agents gateway on its own: NATS bus, its own uWS port, ops port, graceful drain. */
import { runService, verifyingTokenService } from '@arcp/gateway-core';
import { AgentsGatewayEnv } from './config';
import { createAgentsGateway } from './gateway';

void runService({
  service: 'gateway-agents',
  envSchema: AgentsGatewayEnv,
  listenOn: (c) => ({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT }),
  build: ({ config, bus, logger, registry, app }) => {
    const tokens = verifyingTokenService(config);
    const gw = createAgentsGateway({ app, bus, config, tokens, logger, registry, trustProxy: config.TRUST_PROXY });
    return { ...gw, connections: () => gw.handle.count() };
  },
});
