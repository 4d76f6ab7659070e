/**
 * The `health` frame: the reference's agent-connectivity thresholds and first-match overall
 * rules (as in the original ARCP server), applied to the components we really have. Storage is the bus engine
 * (NATS JetStream or memory) reported as it is; there is no Redis and no AI service to report.
 */
import { type BusStatus } from '@arcp/service-kit';
import { type ClusterSummary } from '../telemetry/aggregator';
import { type AgentSnapshot } from './agent-snapshot';

export type ComponentStatus = 'healthy' | 'degraded' | 'critical' | 'error' | 'no_agents';
export type AgentsStatus = Exclude<ComponentStatus, 'error'>;
export type OverallStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface AgentsHealth {
  total: number;
  active: number;
  status: AgentsStatus;
  connectivity_ratio: number;
}

// A type alias, not an interface: the protocol's flat component schema has an index signature.
export type StorageHealth = {
  status: ComponentStatus;
  engine: 'nats-jetstream' | 'memory';
  connected: boolean;
};

export type GatewayName = 'public' | 'agents' | 'dashboard';

export interface HealthData {
  status: OverallStatus;
  reason: string;
  components: {
    storage: StorageHealth;
    agents: AgentsHealth;
    gateways: Record<GatewayName, { replicas: number; connections: number }>;
  };
}

/** The reference's thresholds: exact for small fleets, ratio-based from four agents. */
export function agentsStatus(total: number, active: number): AgentsStatus {
  if (total === 0) return 'no_agents';
  let status: AgentsStatus;
  if (total === 1) status = active === 1 ? 'healthy' : 'degraded';
  else if (total <= 3) status = active === total ? 'healthy' : active >= Math.max(1, total - 1) ? 'degraded' : 'critical';
  else {
    const ratio = active / total;
    status = ratio >= 0.75 ? 'healthy' : ratio >= 0.4 ? 'degraded' : 'critical';
  }
  // A small fleet with someone still alive is degraded, not critical (reference softening).
  return status === 'critical' && active > 0 && total < 10 ? 'degraded' : status;
}

export function agentsHealth(agents: readonly AgentSnapshot[]): AgentsHealth {
  const total = agents.length;
  const active = agents.filter((a) => a.alive).length;
  return {
    total,
    active,
    status: agentsStatus(total, active),
    connectivity_ratio: total === 0 ? 0 : round3(active / total),
  };
}

export function storageHealth(engine: 'nats' | 'memory', status: BusStatus): StorageHealth {
  return {
    status: status === 'connected' ? 'healthy' : status === 'reconnecting' ? 'degraded' : 'error',
    engine: engine === 'nats' ? 'nats-jetstream' : 'memory',
    connected: status === 'connected',
  };
}

const isFailed = (s: ComponentStatus): boolean => s === 'error' || s === 'critical';

/** Overall status and reason; the first matching rule wins, in the reference's order. */
export function overallHealth(storage: StorageHealth, agents: AgentsHealth): { status: OverallStatus; reason: string } {
  const statuses = [storage.status, agents.status];
  if (isFailed(storage.status)) return { status: 'unhealthy', reason: 'Storage system failure' };
  if (agents.status === 'critical' && agents.active === 0) {
    return { status: 'unhealthy', reason: 'No active agents available' };
  }
  if (statuses.filter(isFailed).length >= 2) {
    return { status: 'unhealthy', reason: 'Multiple critical component failures' };
  }
  if (storage.status === 'degraded' || agents.status === 'degraded' || agents.status === 'critical') {
    if (agents.status === 'critical') return { status: 'degraded', reason: 'Significant agent connectivity issues' };
    if (storage.status === 'degraded') return { status: 'degraded', reason: 'Storage system degraded' };
    return { status: 'healthy', reason: 'System operational with minor issues' };
  }
  if (statuses.filter((s) => s === 'degraded').length >= 2) {
    return { status: 'degraded', reason: 'Multiple components experiencing issues' };
  }
  return { status: 'healthy', reason: 'All systems operational' };
}

/** Telemetry roles of the three gateway deployments. */
export const GATEWAY_ROLES: Record<GatewayName, string> = {
  public: 'gateway-public',
  agents: 'gateway-agents',
  dashboard: 'gateway-dashboard',
};

export function buildHealth(
  agents: readonly AgentSnapshot[],
  bus: { engine: 'nats' | 'memory'; status: BusStatus },
  cluster: ClusterSummary,
): HealthData {
  const storage = storageHealth(bus.engine, bus.status);
  const agentsPart = agentsHealth(agents);
  const gateway = (name: GatewayName) => {
    const role = cluster.byRole.get(GATEWAY_ROLES[name]);
    return { replicas: role?.replicas ?? 0, connections: role?.connections ?? 0 };
  };
  return {
    ...overallHealth(storage, agentsPart),
    components: {
      storage,
      agents: agentsPart,
      gateways: { public: gateway('public'), agents: gateway('agents'), dashboard: gateway('dashboard') },
    },
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
