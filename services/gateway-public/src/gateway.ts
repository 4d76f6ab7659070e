/**
 * Wires the public channel: directory read model → view → `agents_update` on every change
 * (coalesced by the directory) and `stats_update` every PUBLIC_WS_INTERVAL, each frame encoded
 * once and handed to uWS `publish`.
 */
import { channelLimitsFrom, createAgentDirectory, mountChannel, type AgentDirectory, type ChannelHandle, type GatewayLogger, type UwsApp } from '@arcp/gateway-core';
import { Topics, agentsUpdateFrame, encodeFrame, statsUpdateFrame, subjects } from '@arcp/protocol';
import type { Bus } from '@arcp/service-kit';
import type { Registry } from 'prom-client';
import { createPublicChannel } from './channel';
import type { PublicChannelConfig } from './config';
import { createPublicView } from './view';

export interface PublicGatewayDeps {
  app: UwsApp;
  bus: Bus;
  config: PublicChannelConfig & { ARCP_BUS_PREFIX: string };
  logger: GatewayLogger;
  registry: Registry;
  now?: () => number;
  trustProxy?: boolean;
}

export interface PublicGateway {
  readonly handle: ChannelHandle;
  readonly directory: AgentDirectory;
  /** Loads the directory (resolves once the initial state is in) and starts the timers. */
  start(): Promise<void>;
  ready(): boolean;
  /** Closes sockets in batches with the reconnect code. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function createPublicGateway(deps: PublicGatewayDeps): PublicGateway {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const timeoutMs = config.AGENT_HEARTBEAT_TIMEOUT * 1000;
  const directory = createAgentDirectory({
    bus: deps.bus,
    bucket: subjects(config.ARCP_BUS_PREFIX).agentsBucket,
    logger: deps.logger,
    heartbeatTimeoutMs: timeoutMs,
    coalesceMs: config.PUBLIC_WS_COALESCE_MS,
    now,
  });
  const view = createPublicView(directory, timeoutMs, now);
  const channel = createPublicChannel({ view, limits: channelLimitsFrom('PUBLIC', config), now });
  const handle = mountChannel(deps.app, channel, { logger: deps.logger, registry: deps.registry, bus: deps.bus, trustProxy: deps.trustProxy });
  let statsTimer: NodeJS.Timeout | undefined;
  let started = false;

  const broadcastAgents = () => {
    view.invalidate();
    handle.publish(Topics.publicAgents, encodeFrame(agentsUpdateFrame([...view.alive()], now())), 'agents_update');
  };
  const broadcastStats = () => {
    // Stats are computed from one snapshot, so total_agents = alive_agents + dead_agents.
    view.invalidate();
    handle.publish(Topics.publicStats, encodeFrame(statsUpdateFrame(view.stats(), now())), 'stats_update');
  };

  return {
    handle,
    directory,
    async start() {
      directory.onChange(broadcastAgents);
      await directory.start();
      statsTimer = setInterval(broadcastStats, config.PUBLIC_WS_INTERVAL * 1000);
      statsTimer.unref();
      started = true;
    },
    ready: () => started && !handle.draining,
    drain: () => handle.drain(),
    async stop() {
      if (statsTimer) clearInterval(statsTimer);
      handle.stop();
      directory.stop();
    },
  };
}
