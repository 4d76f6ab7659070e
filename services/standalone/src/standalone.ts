/**
 * The whole product in one process: registry, metrics service and the three channel gateways
 * on one uWS app and one port, over the in-memory bus. The same `create*` seams as the
 * distributed services, so behaviour is the same; only the transport between them differs.
 */
import { createTokenService } from '@arcp/auth';
import { mountGateways } from '@arcp/gateway';
import { createMetricsService } from '@arcp/metrics';
import { createRegistry } from '@arcp/registry';
import {
  ARCP_VERSION,
  createLogger,
  createMemoryBus,
  createMetricsRegistry,
  loadConfig,
  startOpsServer,
  telemetryCounters,
  type Logger,
} from '@arcp/service-kit';
import { createUwsServer } from '@arcp/ws-engine';
import { StandaloneEnv, type StandaloneConfig } from './config';
import { fillSecrets, type GeneratedSecret } from './secrets';

export interface StandaloneOptions {
  env?: NodeJS.ProcessEnv;
  /** The configuration already read by `loadStandaloneConfig` (then `env` is not read). */
  loaded?: LoadedConfig;
  logger?: Logger;
}

export interface LoadedConfig {
  readonly config: StandaloneConfig;
  readonly generated: readonly GeneratedSecret[];
}

/** Validates every variable (generated secrets filled in first); throws ConfigError naming each bad one. */
export function loadStandaloneConfig(env: NodeJS.ProcessEnv): LoadedConfig {
  const filled = fillSecrets(env);
  return { config: loadConfig(StandaloneEnv, filled.env), generated: filled.generated };
}

export interface Standalone {
  readonly config: StandaloneConfig;
  /** The port the product listens on (ARCP_PORT, or the one picked for 0). */
  readonly port: number;
  readonly opsPort: number;
  readonly generated: readonly GeneratedSecret[];
  ready(): boolean;
  /** Graceful: drain sockets with the reconnect code, stop services, close ports. */
  stop(): Promise<void>;
}

export async function startStandalone(opts: StandaloneOptions = {}): Promise<Standalone> {
  const { config, generated } = opts.loaded ?? loadStandaloneConfig(opts.env ?? process.env);
  const logger =
    opts.logger ?? createLogger({ service: 'arcp', level: config.LOG_LEVEL, format: config.LOG_FORMAT, base: { version: ARCP_VERSION } });
  const metrics = createMetricsRegistry({ service: 'standalone', version: ARCP_VERSION });
  const registry = metrics.registry;
  const bus = createMemoryBus({ logger });
  const server = createUwsServer();
  // The registry issues tokens with this config; the gateways verify with the same secret.
  const tokens = createTokenService({
    secret: config.JWT_SECRET,
    algorithm: config.JWT_ALGORITHM,
    agentTtlS: config.JWT_EXPIRE_MINUTES * 60,
    adminTtlS: config.SESSION_TIMEOUT * 60,
    tempTtlS: config.ARCP_TPR_TOKEN_TTL_TEMP,
  });

  const registrySvc = createRegistry({ config, bus, logger, metricsRegistry: registry });
  const trustProxy = config.TRUST_PROXY;
  const gateways = mountGateways({ app: server.app, bus, config, logger, registry, tokens });
  const connections = () => gateways.reduce((n, g) => n + g.handle.count(), 0);
  const metricsSvc = createMetricsService({
    config,
    bus,
    logger,
    metricsRegistry: metrics,
    role: 'standalone',
    telemetryCounters: telemetryCounters(registry, { connections }),
  });
  // The registry's API and the routes the channels serve (the dashboard's web page).
  server.mountRoutes([...registrySvc.routes, ...gateways.flatMap((g) => g.routes ?? [])], {
    service: 'standalone',
    registry,
    logger,
    trustProxy,
    rateLimit: { perSecond: config.HTTP_RATE_PER_S, burst: config.HTTP_RATE_BURST },
  });
  server.mountFallback({ service: 'standalone', registry, logger, trustProxy });

  await registrySvc.start();
  await metricsSvc.start();
  for (const gw of gateways) await gw.start();
  const listening = await server.listen(config.ARCP_HOST, config.ARCP_PORT);
  let stopping = false;
  const ready = () => !stopping && registrySvc.ready() && gateways.every((g) => g.ready());
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry,
    logger,
    readiness: () => (ready() ? { ready: true } : { ready: false, reason: stopping ? 'shutting down' : 'starting' }),
  });
  logger.info({ port: listening.port, ops: ops.port }, 'ARCP standalone listening');

  return {
    config,
    port: listening.port,
    opsPort: ops.port,
    generated,
    ready,
    async stop() {
      if (stopping) return;
      stopping = true;
      await Promise.all(gateways.map((g) => g.drain()));
      listening.close();
      for (const gw of gateways) await gw.stop();
      await metricsSvc.stop();
      await registrySvc.stop();
      await bus.close();
      await ops.close();
    },
  };
}
