/**
 * `createRegistry`: wires config, bus, tokens, stores, events and metrics into the registry's
 * routes and its liveness sweeper. Used by the registry's own `main.ts` and by the standalone
 * process alike; it opens no ports itself.
 */
import { createTokenService } from '@arcp/auth';
import { effectiveStatus, subjects } from '@arcp/protocol';
import { migrateLegacyRecords } from '@arcp/directory';
import { createAuditLog, type Bus, type Logger, type RouteDef } from '@arcp/service-kit';
import { type Registry } from 'prom-client';
import { type RegistryConfig } from './config';
import { openStores, type RegistryContext, type Stores } from './context';
import { createRegistryEvents } from './events';
import { createSweeper, type Sweeper, type SweepResult } from './liveness/sweeper';
import { createRegistryMetrics } from './metrics';
import { registryRoutes } from './routes';

export interface RegistryDeps {
  config: RegistryConfig;
  bus: Bus;
  logger: Logger;
  metricsRegistry: Registry;
  /** Epoch milliseconds; tests inject a controllable clock. */
  now?: () => number;
}

export interface RegistryService {
  readonly routes: RouteDef[];
  /** Opens the buckets, loads the directory and starts the liveness sweeper. */
  start(): Promise<void>;
  /** Stops sweeping and watching; the bus itself belongs to the caller. */
  stop(): Promise<void>;
  /** True between a successful `start()` and `stop()`. */
  ready(): boolean;
  /**
   * Runs one liveness sweep now, as the timer would (only the lease holder acts); resolves with
   * what it did. Lets tests drive the sweeper from their clock instead of waiting for its period.
   */
  sweep(): Promise<SweepResult>;
}

export function createRegistry(deps: RegistryDeps): RegistryService {
  const { config, bus, logger } = deps;
  const now = deps.now ?? Date.now;
  const names = subjects(config.ARCP_BUS_PREFIX);
  const timeoutMs = config.AGENT_HEARTBEAT_TIMEOUT * 1000;
  let opened: Promise<Stores> | null = null;
  let loaded: Stores | null = null;
  const stores = (): Promise<Stores> => {
    if (opened === null) {
      const attempt = openStores(bus, names, config, logger, now, (n) => ctx.metrics.heartbeatsPerLogEntry.observe(n)).then(
        (s) => (loaded = s),
      );
      // A failed open is retried on the next call instead of poisoning every later request.
      attempt.catch(() => {
        if (opened === attempt) opened = null;
      });
      opened = attempt;
    }
    return opened;
  };

  const ctx: RegistryContext = {
    config,
    logger,
    audit: createAuditLog(logger),
    bus,
    names,
    now,
    timeoutMs,
    agentTokenMs: config.JWT_EXPIRE_MINUTES * 60_000,
    stores,
    events: createRegistryEvents(bus, names, logger, now),
    tokens: createTokenService({
      secret: config.JWT_SECRET,
      algorithm: config.JWT_ALGORITHM,
      agentTtlS: config.JWT_EXPIRE_MINUTES * 60,
      adminTtlS: config.SESSION_TIMEOUT * 60,
      tempTtlS: config.ARCP_TPR_TOKEN_TTL_TEMP,
      now,
    }),
    metrics: createRegistryMetrics(deps.metricsRegistry, () => countAgents(loaded, now(), timeoutMs)),
  };

  let sweeper: Sweeper | null = null;
  let isReady = false;
  return {
    routes: registryRoutes(ctx),
    async start() {
      const s = await stores();
      const migrated = await migrateLegacyRecords(s.agentsKv, s.writer);
      if (migrated > 0) logger.info({ migrated }, 'moved agents stored by an earlier version to the current record layout');
      await s.directory.start();
      sweeper ??= createSweeper(ctx, s);
      sweeper.start();
      isReady = true;
      logger.info({ agents: s.directory.all().length, bus: bus.engine }, 'registry started');
    },
    async stop() {
      isReady = false;
      await sweeper?.stop();
      sweeper = null;
      loaded?.directory.stop();
    },
    ready: () => isReady && bus.status() === 'connected',
    sweep() {
      if (!sweeper) return Promise.reject(new Error('the registry is not started'));
      return sweeper.sweep();
    },
  };
}

function countAgents(stores: Stores | null, nowMs: number, timeoutMs: number): { alive: number; dead: number } {
  let alive = 0;
  let dead = 0;
  for (const a of stores?.directory.all() ?? []) {
    if (effectiveStatus(a, nowMs, timeoutMs) === 'alive') alive++;
    else dead++;
  }
  return { alive, dead };
}
