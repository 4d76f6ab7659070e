/**
 * The process runtime every distributed service shares: config → logger → metrics → NATS bus →
 * service parts → public listener → ops server, and the one graceful shutdown in reverse. A
 * service's `main.ts` is a call to `runService` with its env schema and a `build` function.
 *
 * The public listener is a port (`ServerPort`): services with an HTTP API or WebSocket
 * endpoints pass the uWebSockets.js implementation from `@arcp/ws-engine`; a service without
 * one (metrics) passes none and never loads the native module.
 */
import { subjects, type ServiceRole } from '@arcp/protocol';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { Bus } from './bus/bus';
import { connectNatsAtStartup, EXIT_NATS_UNREACHABLE, NatsUnreachableError } from './bus/nats-startup';
import { ConfigError, EXIT_CONFIG, loadConfig, type BaseServiceConfig } from './config';
import { httpMetrics } from './http/metrics';
import type { ListenHandle, RateLimit, ServerPort } from './http/server-port';
import type { RouteDef } from './http/types';
import { createLogger, type Logger } from './logger';
import { createMetricsRegistry, type ServiceMetrics } from './metrics';
import { startOpsServer } from './ops-server';
import { createShutdown } from './shutdown';
import { startTelemetry } from './telemetry';
import { ARCP_VERSION } from './version';

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

export interface ServiceContext<C, Srv extends ServerPort | undefined = undefined> {
  config: C;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  /** The whole metrics bundle (bus gauges, build info) for services that need more than the registry. */
  metrics: ServiceMetrics;
  /** The public listener, when the service has one. */
  server: Srv;
}

/** The public listener of a service and where it listens. */
export interface ListenerSpec<C, Srv extends ServerPort> {
  create(): Srv;
  listenOn(config: C): { host: string; port: number };
  /** Per-client request rate of the service's HTTP routes. */
  rateLimit?(config: C): RateLimit;
}

export interface RunServiceOptions<S extends z.ZodType, Srv extends ServerPort | undefined = undefined> {
  service: ServiceRole;
  envSchema: S;
  listener?: Srv extends ServerPort ? ListenerSpec<z.infer<S>, Srv> : undefined;
  build(ctx: ServiceContext<z.infer<S>, Srv>): ServiceParts | Promise<ServiceParts>;
  env?: NodeJS.ProcessEnv;
  /** Publish the telemetry beat from here (default); false for a service that beats itself. */
  telemetry?: boolean;
}

/** Exit status of any other startup failure (a port already taken among them). */
export const EXIT_STARTUP_FAILED = 1;

/**
 * Starts the service; a startup failure ends the process with one line on stderr and an exit
 * status telling the kind apart (EXIT_CONFIG, EXIT_NATS_UNREACHABLE, EXIT_STARTUP_FAILED).
 */
export async function runService<S extends z.ZodType, Srv extends ServerPort | undefined = undefined>(
  opts: RunServiceOptions<S, Srv>,
): Promise<void> {
  try {
    await startService(opts);
  } catch (err) {
    process.stderr.write(`${opts.service}: ${startupFailure(err)}\n`);
    process.exit(
      err instanceof ConfigError ? EXIT_CONFIG : err instanceof NatsUnreachableError ? EXIT_NATS_UNREACHABLE : EXIT_STARTUP_FAILED,
    );
  }
}

/** The one line a startup failure is reported with: known failures say what to fix, others keep their stack. */
function startupFailure(err: unknown): string {
  if (err instanceof ConfigError || err instanceof NatsUnreachableError) return err.message;
  // The listener's engine reports a port another socket holds (ListenError).
  if (err instanceof Error && err.name === 'ListenError') return err.message;
  return `failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
}

async function startService<S extends z.ZodType, Srv extends ServerPort | undefined = undefined>(
  opts: RunServiceOptions<S, Srv>,
): Promise<void> {
  const config = loadConfig(opts.envSchema, opts.env) as z.infer<S> & BaseServiceConfig;
  const logger = createLogger({
    service: opts.service,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    base: { instance: config.INSTANCE_ID, version: ARCP_VERSION },
  });
  const metrics = createMetricsRegistry({ service: opts.service, version: ARCP_VERSION });
  const shutdown = createShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_S * 1000 });
  shutdown.installSignalHandlers();
  const bus = await connectNatsAtStartup(
    {
      servers: config.NATS_URL,
      ...(config.NATS_REPLICAS === undefined ? {} : { replicas: config.NATS_REPLICAS }),
      name: `${opts.service}:${config.INSTANCE_ID}`,
      logger,
      onHandlerError: () => metrics.busHandlerErrors.inc({ engine: 'nats' }),
    },
    { timeoutMs: config.NATS_CONNECT_TIMEOUT_S * 1000, logger },
  );
  const spec = opts.listener as ListenerSpec<z.infer<S>, ServerPort> | undefined;
  const server = spec?.create();
  const parts = await opts.build({ config, bus, logger, registry: metrics.registry, metrics, server: server as Srv });
  if (server && parts.routes) {
    const rateLimit = spec?.rateLimit?.(config);
    server.mountRoutes(parts.routes, {
      service: opts.service,
      registry: metrics.registry,
      logger,
      trustProxy: config.TRUST_PROXY,
      ...(rateLimit ? { rateLimit } : {}),
    });
  }
  server?.mountFallback({ service: opts.service, registry: metrics.registry, logger, trustProxy: config.TRUST_PROXY });
  await parts.start();
  let listening: ListenHandle | undefined;
  if (server && spec) {
    const at = spec.listenOn(config);
    listening = await server.listen(at.host, at.port);
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
  return () => ({
    connections: parts.connections?.() ?? 0,
    requests: http.requests,
    errors: http.errors,
    responseTimeSumS: http.durationSumS,
  });
}
