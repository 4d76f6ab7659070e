/**
 * One consistent reading of the cluster for a round of frames: agents, telemetry and storage at
 * one instant. The producer and the command handlers both build their frames from it, so a
 * refresh shows exactly what the next periodic frame would.
 */
import { type StoredAgent } from '@arcp/protocol';
import { type BusStatus } from '@arcp/service-kit';
import { type TelemetryAggregator, type ClusterSummary } from '../telemetry/aggregator';
import { snapshotAgents, type AgentSnapshot } from './agent-snapshot';
import { buildHealth, type HealthData } from './health';
import { buildMonitoring, type MonitoringData } from './monitoring';

export interface ClusterView {
  nowMs: number;
  agents: AgentSnapshot[];
  cluster: ClusterSummary;
  monitoring: MonitoringData;
  health: HealthData;
}

export interface ViewSources {
  agents: () => Iterable<StoredAgent>;
  telemetry: TelemetryAggregator;
  bus: { readonly engine: 'nats' | 'memory'; status(): BusStatus };
  heartbeatTimeoutMs: number;
  connectionCapacity: number;
}

export function readClusterView(src: ViewSources, nowMs: number): ClusterView {
  const agents = snapshotAgents(src.agents(), nowMs, src.heartbeatTimeoutMs);
  const cluster = src.telemetry.summary();
  return {
    nowMs,
    agents,
    cluster,
    monitoring: buildMonitoring(agents, cluster, src.connectionCapacity),
    health: buildHealth(agents, { engine: src.bus.engine, status: src.bus.status() }, cluster),
  };
}
