/** Runs the registry on its own: NATS bus, its own uWS port, ops server, graceful shutdown. */
import { runService } from '@arcp/gateway-core';
import { RegistryMainEnv } from './config';
import { createRegistry } from './registry';

void runService({
  service: 'registry',
  envSchema: RegistryMainEnv,
  listenOn: (c) => ({ host: c.REGISTRY_HOST, port: c.REGISTRY_PORT }),
  build: ({ config, bus, logger, registry }) => createRegistry({ config, bus, logger, metricsRegistry: registry }),
});
