/** Runs the registry on its own: NATS bus, its own uWS port, ops server, graceful shutdown. */
import { runService } from '@arcp/service-kit';
import { createUwsServer } from '@arcp/ws-engine';
import { RegistryEnv } from './config';
import { createRegistry } from './registry';

void runService({
  service: 'registry',
  envSchema: RegistryEnv,
  listener: {
    create: createUwsServer,
    listenOn: (c) => ({ host: c.REGISTRY_HOST, port: c.REGISTRY_PORT }),
    rateLimit: (c) => ({ perSecond: c.HTTP_RATE_PER_S, burst: c.HTTP_RATE_BURST }),
  },
  build: ({ config, bus, logger, registry }) => createRegistry({ config, bus, logger, metricsRegistry: registry }),
});
