/**
 * The public channel's view of the agent directory: the WebSocket agent dicts with their current
 * status, computed once per directory change and shared by every discovery request and broadcast.
 */
import { computeStats, effectiveStatus, toWsAgent, type StatsData, type StoredAgent, type WsAgent } from '@arcp/protocol';

export interface DirectorySource {
  all(): readonly StoredAgent[];
}

export interface PublicView {
  /** Every agent (alive and dead) as a WS dict, in directory order. */
  agents(): readonly WsAgent[];
  /** Only the alive ones: the `agents_update` payload. */
  alive(): readonly WsAgent[];
  stats(): StatsData;
  /** Drops the cache; the next read recomputes from the directory. */
  invalidate(): void;
}

export function createPublicView(dir: DirectorySource, heartbeatTimeoutMs: number, now: () => number = Date.now): PublicView {
  let cache: { agents: WsAgent[]; alive: WsAgent[]; stats: StatsData } | undefined;
  const build = () => {
    const t = now();
    const agents = dir.all().map((a) => toWsAgent(a, effectiveStatus(a, t, heartbeatTimeoutMs)));
    cache = { agents, alive: agents.filter((a) => a.status === 'alive'), stats: computeStats(agents) };
    return cache;
  };
  return {
    agents: () => (cache ?? build()).agents,
    alive: () => (cache ?? build()).alive,
    stats: () => (cache ?? build()).stats,
    invalidate: () => {
      cache = undefined;
    },
  };
}
