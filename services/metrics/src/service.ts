/**
 * Wires the metrics service: telemetry and log ingestion and the command responder run on every
 * replica; the periodic frame producer runs only on the replica holding the producer lease.
 * The standalone process and `main.ts` both build it through `createMetricsService`.
 */
import { subjects as subjectsFor, isoUtc, type ServiceRole } from '@arcp/protocol';
import {
  LeaderLease,
  startTelemetry,
  type Bus,
  type Logger,
  type RouteDef,
  type ServiceMetrics,
  type Subscription,
  type TelemetryCounters,
  type TelemetryPublisher,
} from '@arcp/service-kit';
import { createDirectoryReader } from '@arcp/directory';
import { Alerting } from './alerts/alerting';
import { createClusterMetrics, countFrame } from './cluster-metrics';
import { CommandHandler } from './commands';
import { type MetricsConfig } from './config';
import { readClusterView, type ClusterView } from './frames/view';
import { startLogIngest } from './logs/ingest';
import { Producer } from './producer';
import { AlertStore } from './stores/alert-store';
import { LogStore } from './stores/log-store';
import { TelemetryAggregator } from './telemetry/aggregator';
import { decodeTelemetry } from './wire';

export interface MetricsServiceDeps {
  config: MetricsConfig;
  bus: Bus;
  logger: Logger;
  metricsRegistry: ServiceMetrics;
  /** Clock in epoch milliseconds; tests inject one. */
  now?: () => number;
  /** Role in this instance's own telemetry (the standalone process passes `standalone`). */
  role?: ServiceRole;
  /** Connections and HTTP totals for this instance's beat (the standalone process hosts both). */
  telemetryCounters?: () => TelemetryCounters;
}

export interface MetricsService {
  start(): Promise<void>;
  stop(): Promise<void>;
  isLeader(): boolean;
  /** Runs one producer round now when this replica is the leader (the timer does it otherwise). */
  produce(): Promise<void>;
  /** The service serves no HTTP of its own; the dashboard reaches it over the bus. */
  routes: RouteDef[];
}

/** The lease key every replica contends for. */
export const PRODUCER_LEASE_KEY = 'metrics-producer';

export function createMetricsService(deps: MetricsServiceDeps): MetricsService {
  const { config, bus } = deps;
  const logger = deps.logger.child({ module: 'metrics' });
  const now = deps.now ?? Date.now;
  const subjects = subjectsFor(config.ARCP_BUS_PREFIX);
  const metrics = createClusterMetrics(deps.metricsRegistry);
  const telemetry = new TelemetryAggregator(config.TELEMETRY_TIMEOUT_S * 1000, now);
  const agents = createDirectoryReader({
    bus,
    bucket: subjects.agentsBucket,
    logger,
    heartbeatTimeoutMs: config.AGENT_HEARTBEAT_TIMEOUT * 1000,
    registry: deps.metricsRegistry.registry,
    now,
  });
  const subs: Subscription[] = [];
  let parts: Awaited<ReturnType<typeof openParts>> | undefined;
  let publisher: TelemetryPublisher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let takeover: Promise<void> = Promise.resolve();
  let running: Promise<void> | undefined;

  /** Every frame reflects what the registry acknowledged before it was built (read-your-writes). */
  const view = async (): Promise<ClusterView> => {
    await agents.sync();
    return readClusterView(
      {
        agents: () => agents.all(),
        telemetry,
        bus,
        heartbeatTimeoutMs: config.AGENT_HEARTBEAT_TIMEOUT * 1000,
        connectionCapacity: config.CLUSTER_CONNECTION_CAPACITY,
      },
      now(),
    );
  };

  async function openParts() {
    const maxMsgs = config.DASHBOARD_LOG_BUFFER_MAXLEN;
    const logStream = await bus.stream(subjects.logsStream, { subjects: [subjects.logsStored], maxMsgs });
    const logs = new LogStore(logStream, subjects.logsStored, config.DASHBOARD_LOG_MESSAGE_MAXLEN);
    const alerts = new AlertStore(
      await bus.stream(subjects.alertsStream, { subjects: [subjects.alertsStored], maxMsgs }),
      subjects.alertsStored,
    );
    const alerting = new Alerting({
      alerts,
      logs,
      logger,
      onFired: (a) => metrics.alertsFired.inc({ type: a.type, severity: a.severity }),
    });
    const producer = new Producer({
      bus,
      subjects,
      logs,
      alerting,
      logger,
      logWindow: config.DASHBOARD_LOG_WINDOW,
      onPublished: (t) => countFrame(metrics, t),
    });
    const lease = new LeaderLease({
      kv: await bus.kv(subjects.leasesBucket),
      key: PRODUCER_LEASE_KEY,
      instance: config.INSTANCE_ID,
      ttlMs: config.LEADER_LEASE_TTL_S * 1000,
      now,
      logger,
      role: 'dashboard producer',
      state: () => ({ logs_cursor: producer.logCursor() }),
      onChange: (leader, previous) => {
        metrics.leader.set(leader ? 1 : 0);
        if (leader)
          takeover = producer.takeOver(previous?.logs_cursor).catch((err: unknown) => logger.error({ err }, 'producer takeover failed'));
      },
    });
    return { logs, alerts, alerting, producer, lease };
  }

  async function round(): Promise<void> {
    if (!parts) return;
    const current = await view();
    metrics.observe(current);
    if (!parts.lease.isLeader()) return;
    await takeover;
    await parts.producer.round(current);
  }

  const produce = (): Promise<void> => {
    running ??= round()
      .catch((err: unknown) => logger.error({ err }, 'dashboard producer round failed'))
      .finally(() => (running = undefined));
    return running;
  };

  return {
    routes: [],
    isLeader: () => parts?.lease.isLeader() ?? false,
    produce,
    async start() {
      parts = await openParts();
      await agents.start();
      subs.push(
        bus.subscribe(subjects.telemetry, (msg) => {
          const beat = decodeTelemetry(msg.data);
          if (beat.ok) telemetry.record(beat.value);
          else metrics.rejectedEvents.inc({ kind: 'telemetry' });
        }),
        startLogIngest({ bus, subjects, store: parts.logs, logger, onRejected: () => metrics.rejectedEvents.inc({ kind: 'log' }) }),
        new CommandHandler({
          bus,
          subjects,
          logger,
          view,
          logs: parts.logs,
          alerts: parts.alerts,
          alerting: parts.alerting,
          producer: parts.producer,
          logWindow: config.DASHBOARD_LOG_WINDOW,
          onCommand: (command, outcome) => metrics.commands.inc({ command, outcome }),
        }).listen(),
      );
      // On its own this service holds no sockets and serves no HTTP: its beat carries resources
      // only, unless the host process (standalone) supplies its counters.
      publisher = startTelemetry({
        ...(deps.telemetryCounters ? { counters: deps.telemetryCounters } : {}),
        bus,
        subject: subjects.telemetry,
        instance: config.INSTANCE_ID,
        role: deps.role ?? 'metrics',
        intervalMs: config.TELEMETRY_INTERVAL_S * 1000,
        nowIso: () => isoUtc(now()),
        logger,
      });
      parts.lease.start();
      timer = setInterval(() => void produce(), config.DASHBOARD_WS_INTERVAL * 1000);
      timer.unref();
      logger.info({ engine: bus.engine }, 'metrics service started');
    },
    async stop() {
      clearInterval(timer);
      publisher?.stop();
      await running;
      await parts?.lease.stop();
      for (const s of subs.splice(0)) s.unsubscribe();
      agents.stop();
    },
  };
}
