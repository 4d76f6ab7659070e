/**
 * The registry's Prometheus series. Labels are bounded enums (result, reason, status), never
 * agent ids or addresses. HTTP latency is recorded where ws-engine mounts the routes.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RegistryMetrics {
  registrations: Counter<'result'>;
  heartbeats: Counter<'result'>;
  heartbeatsPerLogEntry: Histogram;
  authFailures: Counter<'reason'>;
  agents: Gauge<'status'>;
}

export function createRegistryMetrics(registry: Registry, countAgents: () => { alive: number; dead: number }): RegistryMetrics {
  return {
    registrations: new Counter({
      name: 'arcp_registry_registrations_total',
      help: 'Agent registration attempts by result (ok, invalid, duplicate, key_in_use, forbidden, error)',
      labelNames: ['result'],
      registers: [registry],
    }),
    heartbeats: new Counter({
      name: 'arcp_registry_heartbeats_total',
      help: 'Agent heartbeats by result (ok, revived, not_found, forbidden, error)',
      labelNames: ['result'],
      registers: [registry],
    }),
    heartbeatsPerLogEntry: new Histogram({
      name: 'arcp_registry_heartbeats_per_log_entry',
      help: 'Heartbeats carried by each heartbeat-log entry this replica wrote (group commit)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'arcp_registry_auth_failures_total',
      help: 'Rejected credentials by reason (token reasons, bad_agent_key, bad_password, locked_out)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    agents: new Gauge({
      name: 'arcp_registry_agents',
      help: 'Agents in the directory by effective status, read at scrape time',
      labelNames: ['status'],
      registers: [registry],
      collect() {
        const counts = countAgents();
        this.set({ status: 'alive' }, counts.alive);
        this.set({ status: 'dead' }, counts.dead);
      },
    }),
  };
}
