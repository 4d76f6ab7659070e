/**
 * Wires the public channel: directory read model → view → `agents_update` on every change
 * (leading- and trailing-edge coalesced; `agents_delta` for the sockets that asked for deltas) and
 * `stats_update` every PUBLIC_WS_INTERVAL, each frame encoded once and handed to uWS `publish`,
 * each built after the read-your-writes barrier.
 */
import type { DirectoryReader } from '@arcp/directory';
import { Topics, agentsDeltaFrame, agentsUpdateFrame, encodeFrame, statsUpdateFrame, type WsAgent } from '@arcp/protocol';
import { mountEndpoint, socketMetrics } from '@arcp/ws-engine';
import { createDirectoryBroadcast } from '../directory-broadcast';
import { gatewayDirectory, type Gateway, type GatewayDeps } from '../kit';
import { createPublicChannel } from './channel';
import type { PublicChannelConfig } from './config';
import { createPublicView } from './view';

export type PublicGatewayDeps = GatewayDeps<PublicChannelConfig>;

export interface PublicGateway extends Gateway {
  readonly directory: DirectoryReader;
}

export function createPublicGateway(deps: PublicGatewayDeps): PublicGateway {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const directory = gatewayDirectory(deps);
  const view = createPublicView(directory, now);
  const metrics = socketMetrics(deps.registry);
  const channel = createPublicChannel({
    view,
    sync: () => directory.sync(),
    limits: deps.limits,
    now,
    badFrame: (reason) => metrics.badFrames.inc({ channel: 'public', reason }),
  });
  const handle = mountEndpoint(deps.app, channel, {
    logger: deps.logger,
    registry: deps.registry,
    bus: deps.bus,
    trustProxy: deps.trustProxy,
  });
  let statsTimer: NodeJS.Timeout | undefined;
  let started = false;
  /** Agents changed since the last broadcast: what the next `agents_delta` frame carries. */
  const changed = new Set<string>();
  const publishDelta = () => {
    if (changed.size === 0) return;
    const alive = view.aliveById();
    const upserted: WsAgent[] = [];
    const removed: string[] = [];
    for (const id of changed) {
      const agent = alive.get(id);
      if (agent) upserted.push(agent);
      else removed.push(id);
    }
    changed.clear();
    handle.publish(Topics.publicAgentsDelta, encodeFrame(agentsDeltaFrame(upserted, removed, alive.size, now())), 'agents_delta');
  };
  // One run per window publishes both forms, each encoded once for all of its sockets.
  const agentsUpdates = createDirectoryBroadcast({
    directory,
    windowMs: config.PUBLIC_WS_COALESCE_MS,
    publish: () => {
      handle.publish(Topics.publicAgents, encodeFrame(agentsUpdateFrame([...view.alive()], now())), 'agents_update');
      publishDelta();
    },
    onError: (err) => deps.logger.error({ err, channel: 'public' }, 'agents_update broadcast failed'),
  });
  const broadcastStats = async () => {
    await directory.sync();
    // Stats come from one snapshot, so total_agents = alive_agents + dead_agents.
    handle.publish(Topics.publicStats, encodeFrame(statsUpdateFrame(view.stats(), now())), 'stats_update');
  };

  return {
    handle,
    directory,
    async start() {
      directory.onChange((change) => {
        changed.add(change.agentId);
        agentsUpdates.signal();
      });
      await directory.start();
      agentsUpdates.settle();
      statsTimer = setInterval(
        () => void broadcastStats().catch((err: unknown) => deps.logger.error({ err }, 'stats_update broadcast failed')),
        config.PUBLIC_WS_INTERVAL * 1000,
      );
      statsTimer.unref();
      started = true;
    },
    ready: () => started && !handle.draining,
    drain: () => handle.drain(),
    async stop() {
      if (statsTimer) clearInterval(statsTimer);
      agentsUpdates.stop();
      handle.stop();
      directory.stop();
    },
  };
}
