/**
 * Directory arithmetic shared by gateways and the metrics service: the discovery page of
 * `get_discovery` (as in the original ARCP server), the `stats_update` numbers and the dashboard
 * `agents` summary.
 */
import type { AgentStatus } from './agent-stored';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Pagination, type StatsData } from './frames/public';
import { pyTruthy } from './validation';

interface Listed {
  agent_type: string;
  status: AgentStatus;
}

export interface DiscoveryQuery {
  page?: number;
  page_size?: number;
  /** Filter applied only when truthy; compared exactly; echoed back unchanged. */
  agent_type?: unknown;
}

export interface DiscoveryPage<A> {
  agents: A[];
  pagination: Pagination;
  filters: { agent_type: unknown };
}

/**
 * One discovery page over `agents` (any order; the caller's order is kept): alive agents only,
 * then the exact type filter, then the slice. `page ≥ 1`, `1 ≤ page_size ≤ 100`; fractional
 * inputs are truncated like Python `int()`.
 */
export function paginate<A extends Listed>(agents: readonly A[], query: DiscoveryQuery = {}): DiscoveryPage<A> {
  const page = Math.max(1, Math.trunc(query.page ?? 1));
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(query.page_size ?? DEFAULT_PAGE_SIZE)));
  const filter = query.agent_type === undefined ? null : query.agent_type;
  const selected = agents.filter((a) => a.status === 'alive' && (!pyTruthy(filter) || a.agent_type === filter));
  const total = selected.length;
  const totalPages = Math.ceil(total / pageSize);
  const hasNext = page < totalPages;
  const hasPrevious = page > 1;
  return {
    agents: selected.slice((page - 1) * pageSize, page * pageSize),
    pagination: {
      current_page: page,
      page_size: pageSize,
      total_agents: total,
      total_pages: totalPages,
      has_next: hasNext,
      has_previous: hasPrevious,
      next_page: hasNext ? page + 1 : null,
      previous_page: hasPrevious ? page - 1 : null,
    },
    filters: { agent_type: filter },
  };
}

/** `stats_update` data over one snapshot: `total_agents = alive + dead` by construction. */
export function computeStats(agents: Iterable<Listed>): StatsData {
  let alive = 0;
  let dead = 0;
  const types = new Set<string>(); // insertion order = first-seen order
  for (const a of agents) {
    if (a.status === 'alive') alive++;
    else dead++;
    types.add(a.agent_type);
  }
  return {
    total_agents: alive + dead,
    alive_agents: alive,
    dead_agents: dead,
    agent_types_count: types.size,
    available_types: [...types],
    system_status: 'operational',
  };
}

export interface AgentsSummary {
  total_count: number;
  active_count: number;
  agent_types: Record<string, number>;
  status_summary: { alive: number; dead: number };
}

/** The counters of the dashboard `agents` frame (everything but the agent list). */
export function summarizeAgents(agents: Iterable<Listed>): AgentsSummary {
  // A Map, so a type named `__proto__` is counted like any other.
  const agentTypes = new Map<string, number>();
  let alive = 0;
  let dead = 0;
  for (const a of agents) {
    if (a.status === 'alive') alive++;
    else dead++;
    agentTypes.set(a.agent_type, (agentTypes.get(a.agent_type) ?? 0) + 1);
  }
  return {
    total_count: alive + dead,
    active_count: alive,
    agent_types: Object.fromEntries(agentTypes),
    status_summary: { alive, dead },
  };
}
