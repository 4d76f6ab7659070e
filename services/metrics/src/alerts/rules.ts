/**
 * The reference's alert rule set (check_for_alerts, the original ARCP server), evaluated on one tick's
 * monitoring and health figures. Rules without a component here (AI services) are left out.
 * Response times are compared in milliseconds after converting the seconds we report: the
 * reference compared seconds against millisecond thresholds (a flaw of the original server), which never fired.
 */
import { type AlertSeverity, type LiveAlert } from '@arcp/protocol';
import { type HealthData } from '../frames/health';
import { type MonitoringData } from '../frames/monitoring';

type Level = readonly [threshold: number, severity: AlertSeverity];

/** First level whose threshold `value` exceeds, highest first. */
function level(value: number, levels: readonly Level[]): Level | undefined {
  return levels.find(([threshold]) => value > threshold);
}

function performance(m: MonitoringData): LiveAlert[] {
  const ms = Math.round(m.avg_response_time * 1000);
  const hit = level(ms, [
    [2000, 'critical'],
    [1500, 'warning'],
    [1000, 'info'],
  ]);
  if (!hit) return [];
  const text: Record<AlertSeverity, string> = {
    critical: `Critical response time: ${ms}ms (threshold: 2000ms)`,
    warning: `High response time: ${ms}ms (approaching critical threshold: 2000ms)`,
    info: `Elevated response time: ${ms}ms (threshold: 1000ms)`,
  };
  return [{ severity: hit[1], type: 'performance', message: text[hit[1]], details: { avg_response_time_ms: ms, threshold_ms: hit[0] } }];
}

function errorRate(m: MonitoringData): LiveAlert[] {
  // A handful of requests says nothing about a rate.
  if (m.total_requests <= 10) return [];
  const hit = level(m.error_rate, [
    [0.2, 'critical'],
    [0.15, 'warning'],
    [0.1, 'info'],
    [0.05, 'info'],
  ]);
  if (!hit) return [];
  const pct = (m.error_rate * 100).toFixed(1);
  const label = hit[1] === 'critical' ? 'Critical error rate' : hit[1] === 'warning' ? 'High error rate' : 'Elevated error rate';
  return [
    {
      severity: hit[1],
      type: 'error_rate',
      message: `${label}: ${pct}% (threshold: ${hit[0] * 100}%)`,
      details: { error_rate: m.error_rate, threshold: hit[0], total_requests: m.total_requests },
    },
  ];
}

function connectivity(h: HealthData): LiveAlert[] {
  const { total, active, status, connectivity_ratio: ratio } = h.components.agents;
  const pct = (ratio * 100).toFixed(1);
  const details = { total_agents: total, active_agents: active, connectivity_ratio: ratio };
  const alert = (severity: AlertSeverity, message: string): LiveAlert[] => [{ severity, type: 'agent_connectivity', message, details }];
  if (status === 'no_agents') return alert('warning', 'No agents registered in the system');
  if (status === 'critical' && active === 0) return alert('critical', `All agents are offline: 0 of ${total} agents active`);
  if (status === 'critical') return alert('critical', `Critical agent connectivity: ${active} of ${total} agents active (${pct}%)`);
  if (status === 'degraded' && total > 1) {
    return ratio < 0.5
      ? alert('warning', `Low agent connectivity: ${active} of ${total} agents active (${pct}%)`)
      : alert('info', `Some agents are offline: ${active} of ${total} agents active (${pct}%)`);
  }
  if (status === 'healthy' && total > 3 && ratio < 0.9) {
    return alert('info', `Agent connectivity below 90%: ${active} of ${total} agents active (${pct}%)`);
  }
  return [];
}

function storage(h: HealthData): LiveAlert[] {
  const s = h.components.storage;
  const details = { engine: s.engine, connected: s.connected };
  if (s.status === 'error' || s.status === 'critical') {
    return [{ severity: 'critical', type: 'storage', message: 'Storage connection failed - system functionality impacted', details }];
  }
  if (s.status === 'degraded') {
    return [{ severity: 'warning', type: 'storage', message: 'Storage connection degraded - reconnecting', details }];
  }
  return [];
}

function systemHealth(h: HealthData): LiveAlert[] {
  if (h.status !== 'unhealthy') return [];
  return [
    {
      severity: 'critical',
      type: 'system_health',
      message: `System health critical: ${h.reason}`,
      details: { status: h.status, reason: h.reason },
    },
  ];
}

function resource(type: string, label: string, value: number, levels: readonly Level[]): LiveAlert[] {
  const hit = level(value, levels);
  if (!hit) return [];
  return [
    {
      severity: hit[1],
      type,
      message: `High ${label} usage: ${value.toFixed(1)}% (threshold: ${hit[0]}%)`,
      details: { usage_percent: value, threshold_percent: hit[0] },
    },
  ];
}

/** Every rule that fires for these figures, before de-duplication. */
export function evaluateAlertRules(m: MonitoringData, h: HealthData): LiveAlert[] {
  const r = m.resource_utilization;
  return [
    ...performance(m),
    ...errorRate(m),
    ...connectivity(h),
    ...storage(h),
    ...systemHealth(h),
    ...resource('resource_cpu', 'CPU', r.cpu, [
      [90, 'critical'],
      [80, 'warning'],
      [70, 'info'],
    ]),
    ...resource('resource_memory', 'memory', r.memory, [
      [95, 'critical'],
      [85, 'warning'],
      [75, 'info'],
    ]),
    ...resource('resource_storage', 'storage', r.storage, [
      [95, 'critical'],
      [85, 'warning'],
      [80, 'info'],
    ]),
    ...resource('resource_network', 'network', r.network, [
      [80, 'warning'],
      [60, 'info'],
    ]),
  ];
}
