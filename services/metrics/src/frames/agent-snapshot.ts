/**
 * One tick's reading of the agent directory: every stored agent with the lazy liveness rule
 * applied at the tick's instant and its dashboard view, computed once and shared by every frame.
 */
import { effectiveStatus, toDashboardAgent, type AgentMetrics, type DashboardAgent, type StoredAgent } from '@arcp/protocol';

export interface AgentSnapshot {
  readonly agentType: string;
  readonly alive: boolean;
  readonly metrics: AgentMetrics;
  readonly view: DashboardAgent;
}

export function snapshotAgents(agents: Iterable<StoredAgent>, nowMs: number, heartbeatTimeoutMs: number): AgentSnapshot[] {
  const out: AgentSnapshot[] = [];
  for (const agent of agents) {
    const status = effectiveStatus(agent, nowMs, heartbeatTimeoutMs);
    const view = toDashboardAgent(agent, status);
    out.push({ agentType: agent.agent_type, alive: status === 'alive', metrics: view.metrics, view });
  }
  return out;
}

/** `Math.round` to `digits` decimals (figures on the dashboard are rounded like the reference). */
export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
