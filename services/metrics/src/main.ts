/**
 * The metrics service as its own process, through the shared service runner (config, logger,
 * NATS bus, ops server, graceful shutdown). Stopping releases the producer lease first so a
 * standby takes over at once; the service publishes its own telemetry beat.
 */
import { runService } from '@arcp/service-kit';
import { MetricsEnv } from './config';
import { createMetricsService } from './service';

void runService({
  service: 'metrics',
  envSchema: MetricsEnv,
  telemetry: false,
  build: ({ config, bus, logger, metrics }) => {
    const service = createMetricsService({ config, bus, logger, metricsRegistry: metrics });
    let started = false;
    return {
      start: async () => {
        await service.start();
        started = true;
      },
      ready: () => started,
      stop: () => service.stop(),
    };
  },
});
