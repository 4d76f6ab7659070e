/**
 * Wires the dashboard channel: the metrics service's frames arrive on NATS already encoded and
 * are forwarded unchanged to uWS topics (monitoring/health/alert skip paused sockets), commands
 * go to the metrics service by request/reply, and an admin logout closes that admin's sockets.
 * The `agents` frame is built here from the gateway's own copy of the directory (it lists every
 * agent, so it would outgrow a bus message): sent on auth, on agents_request and refresh, every
 * DASHBOARD_WS_INTERVAL, and on every directory change (leading- and trailing-edge coalesced).
 * It also serves the operator web page at `/dashboard` (@arcp/dashboard-ui), so the page and its
 * socket always come from the same deployment and origin.
 */
import { dashboardRoutes, loadDashboardPage, type DashboardPage } from '@arcp/dashboard-ui';
import { mountEndpoint, socketMetrics } from '@arcp/ws-engine';
import { AuthError } from '@arcp/auth';
import {
  CHANNELS,
  DashboardCommandReplySchema,
  Topics,
  dashboardAgentsData,
  dashboardFrame,
  decodeJson,
  encodeFrame,
  encodeJson,
  isoUtc,
  logEntry,
  subjects,
  type DashboardFrameTopic,
} from '@arcp/protocol';
import { createAuditLog, type Subscription } from '@arcp/service-kit';
import { createCredentialGate } from '../credentials';
import { createDirectoryBroadcast } from '../directory-broadcast';
import { gatewayDirectory, requireTokens, type Gateway, type GatewayDeps } from '../kit';
import { directoryCache } from '../view-cache';
import { claimsOf, createDashboardChannel } from './channel';
import { createProducerWatch } from './producer-watch';
import type { DashboardChannelConfig } from './config';

export type DashboardGatewayDeps = GatewayDeps<DashboardChannelConfig> & {
  /** The built page; read from @arcp/dashboard-ui's build output when omitted. */
  page?: () => DashboardPage;
};

export type DashboardGateway = Gateway;

const PAUSABLE: readonly DashboardFrameTopic[] = ['monitoring', 'health', 'alert'];
/** Forwarded from the metrics service to every dashboard, paused or not (so is `agents`, built here). */
const ALWAYS: readonly DashboardFrameTopic[] = ['logs'];

export function createDashboardGateway(deps: DashboardGatewayDeps): DashboardGateway {
  const { config, bus } = deps;
  const now = deps.now ?? Date.now;
  const names = subjects(config.ARCP_BUS_PREFIX);
  const directory = gatewayDirectory(deps);
  const agentsCache = directoryCache(
    directory,
    () => encodeFrame(dashboardFrame('agents', dashboardAgentsData(directory.all()), isoUtc(now()))),
    now,
  );
  /** The current agents frame, reflecting every write acknowledged before the call. */
  const agentsFrame = async (): Promise<Uint8Array> => {
    await directory.sync();
    return agentsCache.get();
  };
  const gatePromise = createCredentialGate({
    bus,
    prefix: config.ARCP_BUS_PREFIX,
    tokens: requireTokens(deps, 'dashboard'),
    logger: deps.logger,
    now: deps.now,
  });
  const metrics = socketMetrics(deps.registry);
  const audit = createAuditLog(deps.logger);
  const relay = async (command: string, data?: unknown): Promise<unknown[]> => {
    const reply = await bus.request(names.dashboardCommands, encodeJson({ command, data }), {
      timeoutMs: config.DASHBOARD_COMMAND_TIMEOUT_MS,
    });
    const decoded = decodeJson(DashboardCommandReplySchema, reply.data);
    if (!decoded.ok) throw new Error(`bad reply from the metrics service: ${decoded.error}`);
    // The metrics service answered but could not do it (a store unavailable, invalid data).
    if (decoded.value.error !== undefined) throw new Error(decoded.value.error);
    return decoded.value.frames;
  };
  const watch = createProducerWatch({
    intervalMs: config.DASHBOARD_WS_INTERVAL * 1000,
    broadcast: (bytes) => void handle.publish(Topics.dashboardAlways, bytes, 'alert'),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const channel = createDashboardChannel({
    limits: deps.limits,
    // Every kind of ours verifies first, so a valid agent or temp token is told `forbidden` (as
    // in the reference) rather than `invalid token`.
    verify: async (token, conn) => {
      const verified = await (
        await gatePromise
      ).verify(token, ['admin', 'agent', 'temp'], { ip: conn.remoteAddress, endpoint: CHANNELS.dashboard.path });
      if (verified.kind === 'admin') return verified;
      audit.record('token_rejected', { reason: 'wrong_role', client_ip: conn.remoteAddress, endpoint: CHANNELS.dashboard.path });
      throw new AuthError('wrong_role', `a ${verified.kind} token cannot open the dashboard`);
    },
    // Called only after mountChannel below has returned.
    authenticatedCount: () => [...handle.connections()].filter((c) => c.principal !== undefined).length,
    relay,
    agentsFrame,
    fallbackBurst: (reason, agents) => watch.fallbackBurst(reason, agents),
    log: (level, message) => bus.publish(names.logEvents, encodeJson(logEntry(level, message, 'dashboard'))),
    badFrame: (reason) => metrics.badFrames.inc({ channel: 'dashboard', reason }),
  });
  const handle = mountEndpoint(deps.app, channel, { logger: deps.logger, registry: deps.registry, bus, trustProxy: deps.trustProxy });
  const publishAgents = (bytes: Uint8Array) => void handle.publish(Topics.dashboardAlways, bytes, 'agents');
  const agentsUpdates = createDirectoryBroadcast({
    directory,
    windowMs: config.DASHBOARD_WS_COALESCE_MS,
    publish: () => publishAgents(agentsCache.get()),
    onError: (err) => deps.logger.error({ err, channel: 'dashboard' }, 'agents frame broadcast failed'),
  });
  let periodic: NodeJS.Timeout | undefined;
  const subs: Subscription[] = [];
  let started = false;
  let page: DashboardPage | Error;
  try {
    page = (deps.page ?? loadDashboardPage)();
  } catch (err) {
    // The channel works without the page; /dashboard answers 503 with the reason.
    page = err as Error;
    deps.logger.warn({ err }, 'the dashboard page is not available');
  }

  return {
    handle,
    routes: dashboardRoutes(page),
    async start() {
      directory.onChange(() => agentsUpdates.signal());
      await directory.start();
      agentsUpdates.settle();
      // The reference's cadence: every dashboard gets the agents frame every interval too (it
      // carries last_seen and metrics, which change without a directory change).
      periodic = setInterval(() => publishAgents(agentsCache.get()), config.DASHBOARD_WS_INTERVAL * 1000);
      periodic.unref();
      // Frames arrive encoded; they are handed on unchanged, in paced turns (the engine's relay),
      // and remembered by the watch.
      const follow = (type: DashboardFrameTopic, topic: string) =>
        bus.subscribe(names.dashboardFrame(type), (msg) => {
          watch.seen(type, msg.data);
          handle.relay(topic, msg.data, type);
        });
      for (const type of PAUSABLE) subs.push(follow(type, Topics.dashboardPausable));
      for (const type of ALWAYS) subs.push(follow(type, Topics.dashboardAlways));
      subs.push((await gatePromise).closeRevoked(handle, claimsOf));
      watch.start();
      started = true;
    },
    ready: () => started && !handle.draining,
    drain: () => handle.drain(),
    async stop() {
      clearInterval(periodic);
      agentsUpdates.stop();
      directory.stop();
      for (const s of subs) s.unsubscribe();
      watch.stop();
      handle.stop();
      (await gatePromise).stop();
    },
  };
}
