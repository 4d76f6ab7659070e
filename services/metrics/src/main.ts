/**
 * The metrics service as its own process: config, logger, NATS bus, ops server (/metrics,
 * /healthz, /readyz) and the graceful shutdown that releases the producer lease before draining.
 */
import {
  connectNatsBus,
  createLogger,
  createMetricsRegistry,
  createShutdown,
  loadConfig,
  startOpsServer,
} from '@arcp/service-kit';
import { MetricsEnv } from './config';
import { createMetricsService } from './service';

const VERSION = process.env.npm_package_version ?? '0.1.0';

async function main(): Promise<void> {
  const config = loadConfig(MetricsEnv);
  const logger = createLogger({ service: 'metrics', level: config.LOG_LEVEL, base: { instance: config.INSTANCE_ID } });
  const metrics = createMetricsRegistry({ service: 'metrics', version: VERSION });
  const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_S * 1000 });
  shutdown.installSignalHandlers();

  const bus = await connectNatsBus({
    servers: config.NATS_URL,
    name: `metrics-${config.INSTANCE_ID}`,
    logger,
    onHandlerError: () => metrics.busHandlerErrors.inc({ engine: 'nats' }),
  });
  const service = createMetricsService({ config, bus, logger, metricsRegistry: metrics });
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry: metrics.registry,
    logger,
    readiness: () => {
      if (shutdown.isShuttingDown()) return { ready: false, reason: 'shutting down' };
      const status = bus.status();
      metrics.busConnected.set(status === 'connected' ? 1 : 0);
      return status === 'connected' ? { ready: true } : { ready: false, reason: `nats ${status}` };
    },
  });
  // Release the lease first so a standby takes over at once, then drain NATS. Registered before
  // start so a signal during startup still runs them (stop is safe on a service not started).
  shutdown.onShutdown('metrics service', () => service.stop());
  shutdown.onShutdown('nats drain', () => bus.drain());
  shutdown.onShutdown('ops server', () => ops.close());
  await service.start();
}

main().catch((err: unknown) => {
  console.error('metrics service failed to start', err);
  process.exit(1);
});
