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
      // The by-id map is made on first use: only a gateway with delta sockets asks for it.
      return { agents, alive, byId: undefined as Map<string, WsAgent> | undefined, stats: computeStats(agents) };
    },
    now,
  );
  return {
    agents: () => cache.get().agents,
    alive: () => cache.get().alive,
    aliveById() {
      const built = cache.get();
      return (built.byId ??= new Map(built.alive.map((a) => [a.agent_id, a])));
    },
    stats: () => cache.get().stats,
  };
}
