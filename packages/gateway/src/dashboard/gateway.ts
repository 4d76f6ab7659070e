/**
 * Wires the dashboard channel: the metrics service's frames arrive on NATS already encoded and
 * are forwarded unchanged to uWS topics (monitoring/health/alert skip paused sockets), commands
 * go to the metrics service by request/reply, and an admin logout closes that admin's sockets.
 */
import { mountEndpoint, socketMetrics } from '@arcp/ws-engine';
import {
  DashboardCommandReplySchema,
  Topics,
  decodeJson,
  encodeJson,
  logEntry,
  subjects,
  type DashboardFrameTopic,
} from '@arcp/protocol';
import type { Subscription } from '@arcp/service-kit';
import { createCredentialGate } from '../credentials';
import { requireTokens, type Gateway, type GatewayDeps } from '../kit';
import { claimsOf, createDashboardChannel } from './channel';
import type { DashboardChannelConfig } from './config';

export type DashboardGatewayDeps = GatewayDeps<DashboardChannelConfig>;

export type DashboardGateway = Gateway;

const PAUSABLE: readonly DashboardFrameTopic[] = ['monitoring', 'health', 'alert'];
const ALWAYS: readonly DashboardFrameTopic[] = ['agents', 'logs'];

export function createDashboardGateway(deps: DashboardGatewayDeps): DashboardGateway {
  const { config, bus } = deps;
  const names = subjects(config.ARCP_BUS_PREFIX);
  const gatePromise = createCredentialGate({ bus, prefix: config.ARCP_BUS_PREFIX, tokens: requireTokens(deps, 'dashboard'), logger: deps.logger, now: deps.now });
  const metrics = socketMetrics(deps.registry);
  const relay = async (command: string, data?: unknown): Promise<unknown[]> => {
    const reply = await bus.request(names.dashboardCommands, encodeJson({ command, data }), { timeoutMs: config.DASHBOARD_COMMAND_TIMEOUT_MS });
    const decoded = decodeJson(DashboardCommandReplySchema, reply.data);
    if (!decoded.ok) throw new Error(`bad reply from the metrics service: ${decoded.error}`);
    // The metrics service answered but could not do it (a store unavailable, invalid data).
    if (decoded.value.error !== undefined) throw new Error(decoded.value.error);
    return decoded.value.frames;
  };
  const channel = createDashboardChannel({
    limits: deps.limits,
    verify: async (token) => (await gatePromise).verify(token, ['admin', 'agent', 'temp']),
    // Called only after mountChannel below has returned.
    authenticatedCount: () => [...handle.connections()].filter((c) => c.principal !== undefined).length,
    relay,
    log: (level, message) => bus.publish(names.logEvents, encodeJson(logEntry(level, message, 'dashboard'))),
    badFrame: (reason) => metrics.badFrames.inc({ channel: 'dashboard', reason }),
  });
  const handle = mountEndpoint(deps.app, channel, { logger: deps.logger, registry: deps.registry, bus, trustProxy: deps.trustProxy });
  const subs: Subscription[] = [];
  let started = false;

  return {
    handle,
    async start() {
      const h = handle;
      for (const type of PAUSABLE) subs.push(h.forward(names.dashboardFrame(type), Topics.dashboardPausable, type));
      for (const type of ALWAYS) subs.push(h.forward(names.dashboardFrame(type), Topics.dashboardAlways, type));
      subs.push((await gatePromise).closeRevoked(h, claimsOf));
      started = true;
    },
    ready: () => started && !handle.draining,
    drain: () => handle.drain(),
    async stop() {
      for (const s of subs) s.unsubscribe();
      handle.stop();
      (await gatePromise).stop();
    },
  };
}
