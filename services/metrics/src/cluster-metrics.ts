/**
 * Prometheus view of the service and of the cluster it aggregates. Every replica exports the
 * same cluster gauges (they read the same KV and telemetry); query them with `max` or alongside
 * `arcp_metrics_leader == 1`, never `sum` across replicas.
 */
import { type DashboardFrameTopic } from '@arcp/protocol';
import { type ServiceMetrics } from '@arcp/service-kit';
import { type ClusterView } from './frames/view';
import { LabelledMetric, registerMetric } from './prom';

export interface ClusterMetrics {
  leader: LabelledMetric;
  framesPublished: LabelledMetric;
  alertsFired: LabelledMetric;
  commands: LabelledMetric;
  rejectedEvents: LabelledMetric;
  observe(view: ClusterView): void;
}

export function createClusterMetrics(metrics: ServiceMetrics): ClusterMetrics {
  const reg = (name: string, help: string, type: 'gauge' | 'counter') => registerMetric(metrics, new LabelledMetric(name, help, type));
  const agents = reg('arcp_cluster_agents', 'Registered agents by effective status (alive/dead).', 'gauge');
  const connections = reg('arcp_cluster_connections', 'Open connections reported by live instances, by service role.', 'gauge');
  const instances = reg('arcp_cluster_instances', 'Service instances with telemetry within TELEMETRY_TIMEOUT_S, by role.', 'gauge');
  return {
    leader: reg('arcp_metrics_leader', '1 while this replica is the dashboard frame producer, else 0.', 'gauge'),
    framesPublished: reg('arcp_metrics_frames_published_total', 'Dashboard frames published on the bus, by frame type.', 'counter'),
    alertsFired: reg('arcp_metrics_alerts_fired_total', 'Alerts fired after cooldown, by rule type and severity.', 'counter'),
    commands: reg('arcp_metrics_commands_total', 'Dashboard commands answered, by command and outcome.', 'counter'),
    rejectedEvents: reg('arcp_metrics_rejected_events_total', 'Bus events dropped as malformed, by kind.', 'counter'),
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
