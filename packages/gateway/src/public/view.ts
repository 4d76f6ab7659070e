/**
 * The public channel's view of the agent directory: the WebSocket agent dicts with their current
 * status, built once per directory change (see `view-cache.ts`) and shared by every discovery
 * request and broadcast.
 */
import type { DirectoryReader } from '@arcp/directory';
import { computeStats, toWsAgent, type StatsData, type WsAgent } from '@arcp/protocol';
import { directoryCache } from '../view-cache';

export interface PublicView {
  /** Every agent (alive and dead) as a WS dict, in directory order. */
  agents(): readonly WsAgent[];
  /** Only the alive ones: the `agents_update` payload. */
  alive(): readonly WsAgent[];
  /** The same by agent id (what an `agents_delta` frame reads). */
  aliveById(): ReadonlyMap<string, WsAgent>;
  stats(): StatsData;
}

export function createPublicView(dir: Pick<DirectoryReader, 'all' | 'version' | 'freshness'>, now: () => number = Date.now): PublicView {
  const cache = directoryCache(
    dir,
    () => {
      const agents = dir.all().map((a) => toWsAgent(a, a.status));
      const alive = agents.filter((a) => a.status === 'alive');
      return { agents, alive, aliveById: new Map(alive.map((a) => [a.agent_id, a])), stats: computeStats(agents) };
    },
    now,
  );
  return {
    agents: () => cache.get().agents,
    alive: () => cache.get().alive,
    aliveById: () => cache.get().aliveById,
    stats: () => cache.get().stats,
  };
}
