/**
 * Wires the public channel: directory read model → view → `agents_update` on every change
 * (coalesced by the directory) and `stats_update` every PUBLIC_WS_INTERVAL, each frame encoded
 * once and handed to uWS `publish`.
 */
import { mountEndpoint } from '@arcp/ws-engine';
import type { AgentDirectory } from '../directory';
import { gatewayDirectory, type Gateway, type GatewayDeps } from '../kit';
import { Topics, agentsUpdateFrame, encodeFrame, statsUpdateFrame } from '@arcp/protocol';
import { createPublicChannel } from './channel';
import type { PublicChannelConfig } from './config';
import { createPublicView } from './view';

export type PublicGatewayDeps = GatewayDeps<PublicChannelConfig>;

export interface PublicGateway extends Gateway {
  readonly directory: AgentDirectory;
}

export function createPublicGateway(deps: PublicGatewayDeps): PublicGateway {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const timeoutMs = config.AGENT_HEARTBEAT_TIMEOUT * 1000;
  const directory = gatewayDirectory(deps, config.PUBLIC_WS_COALESCE_MS);
  const view = createPublicView(directory, timeoutMs, now);
  const channel = createPublicChannel({ view, limits: deps.limits, now });
  const handle = mountEndpoint(deps.app, channel, { logger: deps.logger, registry: deps.registry, bus: deps.bus, trustProxy: deps.trustProxy });
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
