/** Runs the public gateway on its own: NATS bus, its own uWS port, ops port, graceful drain. */
import { runService } from '@arcp/gateway-core';
import { PublicGatewayEnv } from './config';
import { createPublicGateway } from './gateway';

void runService({
  service: 'gateway-public',
  envSchema: PublicGatewayEnv,
  listenOn: (c) => ({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT }),
  build: ({ config, bus, logger, registry, app }) => {
    const gw = createPublicGateway({ app, bus, config, logger, registry, trustProxy: config.TRUST_PROXY });
    return { ...gw, connections: () => gw.handle.count() };
  },
});
