/**
 * Prometheus view of the service and of the cluster it aggregates. Every replica exports the
 * same cluster gauges (they read the same KV and telemetry); query them with `max` or alongside
 * `arcp_metrics_leader == 1`, never `sum` across replicas.
 */
import { type DashboardFrameTopic } from '@arcp/protocol';
import { perRegistry, type ServiceMetrics } from '@arcp/service-kit';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type ClusterView } from './frames/view';

export interface ClusterMetrics {
  leader: Gauge;
  framesPublished: Counter<'type'>;
  alertsFired: Counter<'type' | 'severity'>;
  commands: Counter<'command' | 'outcome'>;
  rejectedEvents: Counter<'kind'>;
  observe(view: ClusterView): void;
}

const gauge = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []) =>
  new Gauge<L>({ name, help, labelNames, registers: [registry] });
const counter = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]) =>
  new Counter<L>({ name, help, labelNames, registers: [registry] });

/** The series, once per registry: a second service on the standalone process's registry reuses them. */
const clusterSeries = perRegistry((reg: Registry) => ({
  agents: gauge(reg, 'arcp_cluster_agents', 'Registered agents by effective status (alive/dead).', ['status']),
  connections: gauge(reg, 'arcp_cluster_connections', 'Open connections reported by live instances, by service role.', ['role']),
  instances: gauge(reg, 'arcp_cluster_instances', 'Service instances with telemetry within TELEMETRY_TIMEOUT_S, by role.', ['role']),
  leader: gauge(reg, 'arcp_metrics_leader', '1 while this replica is the dashboard frame producer, else 0.'),
  framesPublished: counter(reg, 'arcp_metrics_frames_published_total', 'Dashboard frames published on the bus, by frame type.', ['type']),
  alertsFired: counter(reg, 'arcp_metrics_alerts_fired_total', 'Alerts fired after cooldown, by rule type and severity.', [
    'type',
    'severity',
  ]),
  commands: counter(reg, 'arcp_metrics_commands_total', 'Dashboard commands answered, by command and outcome.', ['command', 'outcome']),
  rejectedEvents: counter(reg, 'arcp_metrics_rejected_events_total', 'Bus events dropped as malformed, by kind.', ['kind']),
}));

export function createClusterMetrics(metrics: ServiceMetrics): ClusterMetrics {
  const { agents, connections, instances, ...series } = clusterSeries(metrics.registry);
  return {
    ...series,
    observe(view) {
      const alive = view.agents.filter((a) => a.alive).length;
      agents.set({ status: 'alive' }, alive);
      agents.set({ status: 'dead' }, view.agents.length - alive);
      // Roles that vanished must disappear, not stay at their last value.
      connections.reset();
      instances.reset();
      for (const [role, r] of view.cluster.byRole) {
        connections.set({ role }, r.connections);
        instances.set({ role }, r.replicas);
      }
    },
  };
}

export const countFrame = (m: ClusterMetrics, type: DashboardFrameTopic): void => m.framesPublished.inc({ type });
