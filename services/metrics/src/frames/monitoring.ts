/**
 * The `monitoring` frame: request figures aggregated over the agents' self-reported metrics and
 * resource utilisation of this deployment derived from the services' telemetry beats.
 *
 * Units: `avg_response_time` is seconds (the mean of the agents' `avg_response_time`, which
 * agents report in seconds), rounded to 2 decimals; `error_rate` is a 0–1 ratio rounded to 3.
 * `resource_utilization` values are percentages 0–100 of the services, not of the agents:
 * - cpu: mean CPU share of the live service instances (each one's share of its host's cores);
 * - memory: mean RSS share of each instance's memory limit (cgroup limit, else host memory);
 * - network: open WebSocket connections of every instance against CLUSTER_CONNECTION_CAPACITY;
 * - storage: 0 — the Bus port exposes no JetStream/KV usage figure, and we do not invent one.
 */
import { type AgentMetrics } from '@arcp/protocol';
import { type ClusterSummary } from '../telemetry/aggregator';
import { round, type AgentSnapshot } from './agent-snapshot';

export interface ResourceUtilization {
  cpu: number;
  memory: number;
  network: number;
  storage: number;
}

export interface MonitoringData {
  total_requests: number;
  avg_response_time: number;
  error_rate: number;
  agent_metrics: AgentMetrics[];
  agent_count: number;
  resource_utilization: ResourceUtilization;
}

export function resourceUtilization(cluster: ClusterSummary, connectionCapacity: number): ResourceUtilization {
  const network = connectionCapacity > 0 ? Math.min(100, (cluster.connections / connectionCapacity) * 100) : 0;
  return {
    cpu: round(cluster.cpuPercent, 1),
    memory: round(cluster.memoryPercent, 1),
    network: round(network, 1),
    storage: 0,
  };
}

export function buildMonitoring(agents: readonly AgentSnapshot[], cluster: ClusterSummary, connectionCapacity: number): MonitoringData {
  const metrics = agents.map((a) => a.metrics);
  const mean = (pick: (m: AgentMetrics) => number): number =>
    metrics.length === 0 ? 0 : metrics.reduce((sum, m) => sum + pick(m), 0) / metrics.length;
  return {
    total_requests: metrics.reduce((sum, m) => sum + m.total_requests, 0),
    avg_response_time: round(
      mean((m) => m.avg_response_time),
      2,
    ),
    error_rate: round(
      mean((m) => m.error_rate),
      3,
    ),
    agent_metrics: metrics,
    agent_count: agents.length,
    resource_utilization: resourceUtilization(cluster, connectionCapacity),
  };
}
