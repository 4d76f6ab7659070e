/** The `agents` frame: every agent (alive and dead) in its dashboard view, with counts by type and status. */
import { type DashboardAgent } from '@arcp/protocol';
import { type AgentSnapshot } from './agent-snapshot';

export interface AgentsData {
  agents: DashboardAgent[];
  total_count: number;
  active_count: number;
  agent_types: Record<string, number>;
  status_summary: { alive: number; dead: number };
}

export function buildAgents(agents: readonly AgentSnapshot[]): AgentsData {
  const types: Record<string, number> = {};
  let alive = 0;
  for (const a of agents) {
    types[a.agentType] = (types[a.agentType] ?? 0) + 1;
    if (a.alive) alive += 1;
  }
  return {
    agents: agents.map((a) => a.view),
    total_count: agents.length,
    active_count: alive,
    agent_types: types,
    status_summary: { alive, dead: agents.length - alive },
  };
}
