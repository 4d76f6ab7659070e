/**
 * The entry-point wiring every distributed service shares: config → logger → metrics → NATS bus
 * → service parts → uWS listen → ops server, and the one graceful shutdown in reverse. A service's
 * `main.ts` is a call to `runService` with its env schema and a `build` function.
 */
import {
  ConfigError,
  connectNatsBus,
  createLogger,
  createMetricsRegistry,
  createShutdown,
  loadConfig,
  startOpsServer,
  startTelemetry,
  type BaseServiceConfig,
  type Bus,
  type Logger,
  type RouteDef,
  type ServiceMetrics,
} from '@arcp/service-kit';
import { subjects, type ServiceRole } from '@arcp/protocol';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { httpMetrics } from './http-metrics';
import { mountNotFound, mountRoutes } from './http-mount';
import type { RateLimit } from './rate-limit';
import { createUwsApp, listen, type ListenHandle, type UwsApp } from './server';

export const ARCP_VERSION = '0.1.0';

/** What a service contributes to its process (and to the standalone process). */
export interface ServiceParts {
  routes?: RouteDef[];
  /** Resolves when the service can take traffic (directory loaded, subscriptions in place). */
  start(): Promise<void>;
  ready(): boolean;
  /** Closes client connections gracefully (gateways); runs before `stop`. */
  drain?(): Promise<void>;
  stop(): Promise<void>;
  /** Open client connections, for telemetry. */
  connections?(): number;
}

export interface ServiceContext<C> {
  config: C;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  /** The whole metrics bundle (bus gauges, build info) for services that need more than the registry. */
  metrics: ServiceMetrics;
  app: UwsApp;
}

export interface RunServiceOptions<S extends z.ZodType> {
  service: ServiceRole;
  envSchema: S;
  /** The public listen address (registry API, gateway upgrades); omit for a service without one. */
  listenOn?: (config: z.infer<S>) => { host: string; port: number };
  build(ctx: ServiceContext<z.infer<S>>): ServiceParts | Promise<ServiceParts>;
  env?: NodeJS.ProcessEnv;
  /** Publish the telemetry beat from here (default); false for a service that beats itself. */
  telemetry?: boolean;
  /** Per-client request rate of the service's HTTP routes. */
  httpRateLimit?: (config: z.infer<S>) => RateLimit;
}

export async function runService<S extends z.ZodType>(opts: RunServiceOptions<S>): Promise<void> {
  let config: z.infer<S> & BaseServiceConfig;
  try {
    config = loadConfig(opts.envSchema, opts.env) as z.infer<S> & BaseServiceConfig;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${opts.service}: ${err.message}`);
    process.exit(2);
  }
  const logger = createLogger({ service: opts.service, level: config.LOG_LEVEL, base: { instance: config.INSTANCE_ID, version: ARCP_VERSION } });
  const metrics = createMetricsRegistry({ service: opts.service, version: ARCP_VERSION });
  const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_S * 1000 });
  shutdown.installSignalHandlers();
  const bus = await connectNatsBus({
    servers: config.NATS_URL,
    name: `${opts.service}:${config.INSTANCE_ID}`,
    logger,
    onHandlerError: () => metrics.busHandlerErrors.inc({ engine: 'nats' }),
  });
  const app = createUwsApp();
  const parts = await opts.build({ config, bus, logger, registry: metrics.registry, metrics, app });
  if (parts.routes) {
    const rateLimit = opts.httpRateLimit?.(config);
    mountRoutes(app, parts.routes, { service: opts.service, registry: metrics.registry, logger, trustProxy: config.TRUST_PROXY, ...(rateLimit ? { rateLimit } : {}) });
  }
  mountNotFound(app);
  await parts.start();
  let listening: ListenHandle | undefined;
  if (opts.listenOn) {
    const at = opts.listenOn(config);
    listening = await listen(app, at.host, at.port);
    logger.info({ host: at.host, port: listening.port }, `${opts.service} listening`);
  }
  const ops = await startOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    registry: metrics.registry,
    logger,
    readiness: () => {
      if (shutdown.isShuttingDown()) return { ready: false, reason: 'shutting down' };
      const status = bus.status();
      metrics.busConnected.set(status === 'connected' ? 1 : 0);
      if (status !== 'connected') return { ready: false, reason: `nats ${status}` };
      return parts.ready() ? { ready: true } : { ready: false, reason: 'starting' };
    },
  });
  logger.info({ port: ops.port }, 'ops server listening');
  if (opts.telemetry !== false) {
    const telemetry = startTelemetry({
      bus,
      subject: subjects(config.ARCP_BUS_PREFIX).telemetry,
      instance: config.INSTANCE_ID,
      role: opts.service,
      logger,
      counters: telemetryCounters(metrics.registry, parts),
    });
    shutdown.onShutdown('stop telemetry', () => telemetry.stop());
  }
  if (parts.drain) shutdown.onShutdown('drain connections', () => parts.drain?.());
  shutdown.onShutdown('close listen socket', () => listening?.close());
  shutdown.onShutdown('stop service', () => parts.stop());
  shutdown.onShutdown('drain bus', () => bus.drain());
  shutdown.onShutdown('close ops server', () => ops.close());
}

/** What a service reports in its telemetry beat: open sockets and its HTTP request totals. */
export function telemetryCounters(registry: Registry, parts: Pick<ServiceParts, 'connections'>) {
  const http = httpMetrics(registry).totals;
  return () => ({ connections: parts.connections?.() ?? 0, requests: http.requests, errors: http.errors, responseTimeSumS: http.durationSumS });
}
