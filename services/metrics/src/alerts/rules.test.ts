import { type HealthData } from '../frames/health';
import { type MonitoringData } from '../frames/monitoring';
import { AlertCooldowns, COOLDOWN_MS } from './cooldown';
import { evaluateAlertRules } from './rules';

function monitoring(fields: Partial<MonitoringData> = {}, util: Partial<MonitoringData['resource_utilization']> = {}): MonitoringData {
  return {
    total_requests: 0,
    avg_response_time: 0,
    error_rate: 0,
    agent_metrics: [],
    agent_count: 4,
    ...fields,
    resource_utilization: { cpu: 0, memory: 0, network: 0, storage: 0, ...util },
  };
}

function health(
  agents: Partial<HealthData['components']['agents']> = {},
  fields: Partial<HealthData> = {},
  storage: Partial<HealthData['components']['storage']> = {},
): HealthData {
  const gw = { replicas: 1, connections: 0 };
  return {
    status: 'healthy',
    reason: 'All systems operational',
    components: {
      storage: { status: 'healthy', engine: 'nats-jetstream', connected: true, ...storage },
      agents: { total: 4, active: 4, status: 'healthy', connectivity_ratio: 1, ...agents },
      gateways: { public: gw, agents: gw, dashboard: gw },
    },
    ...fields,
  };
}

const fired = (m: MonitoringData, h: HealthData = health()) => evaluateAlertRules(m, h).map((a) => `${a.type}:${a.severity}`);

describe('alert rules', () => {
  it('a healthy cluster fires nothing', () => {
    expect(fired(monitoring())).toEqual([]);
  });

  it.each([
    [2.5, 'performance:critical'],
    [1.7, 'performance:warning'],
    [1.2, 'performance:info'],
  ])('performance compares milliseconds: %s s → %s', (seconds, expected) => {
    expect(fired(monitoring({ avg_response_time: seconds }))).toEqual([expected]);
  });

  it('performance message names milliseconds', () => {
    const [a] = evaluateAlertRules(monitoring({ avg_response_time: 1.7 }), health());
    expect(a?.message).toBe('High response time: 1700ms (approaching critical threshold: 2000ms)');
  });

  it.each([
    [0.25, 'error_rate:critical'],
    [0.16, 'error_rate:warning'],
    [0.12, 'error_rate:info'],
    [0.06, 'error_rate:info'],
  ])('error rate %s → %s (with more than 10 requests)', (rate, expected) => {
    expect(fired(monitoring({ error_rate: rate, total_requests: 11 }))).toEqual([expected]);
    expect(fired(monitoring({ error_rate: rate, total_requests: 10 }))).toEqual([]);
  });

  it.each([
    [
      { total: 0, active: 0, status: 'no_agents' as const, connectivity_ratio: 0 },
      'agent_connectivity:warning',
      'No agents registered in the system',
    ],
    [
      { total: 3, active: 0, status: 'critical' as const, connectivity_ratio: 0 },
      'agent_connectivity:critical',
      'All agents are offline: 0 of 3 agents active',
    ],
    [{ total: 12, active: 3, status: 'critical' as const, connectivity_ratio: 0.25 }, 'agent_connectivity:critical', undefined],
    [{ total: 5, active: 2, status: 'degraded' as const, connectivity_ratio: 0.4 }, 'agent_connectivity:warning', undefined],
    [{ total: 4, active: 2, status: 'degraded' as const, connectivity_ratio: 0.5 }, 'agent_connectivity:info', undefined],
    [{ total: 10, active: 8, status: 'healthy' as const, connectivity_ratio: 0.8 }, 'agent_connectivity:info', undefined],
  ])('agent connectivity %j → %s', (agents, expected, message) => {
    const alerts = evaluateAlertRules(monitoring(), health(agents));
    expect(alerts.map((a) => `${a.type}:${a.severity}`)).toEqual([expected]);
    if (message) expect(alerts[0]?.message).toBe(message);
  });

  it('storage: lost → critical, reconnecting → warning', () => {
    expect(fired(monitoring(), health({}, {}, { status: 'error', connected: false }))).toEqual(['storage:critical']);
    expect(fired(monitoring(), health({}, {}, { status: 'degraded', connected: false }))).toEqual(['storage:warning']);
  });

  it('system health unhealthy → critical', () => {
    expect(fired(monitoring(), health({}, { status: 'unhealthy', reason: 'Storage system failure' }))).toEqual(['system_health:critical']);
  });

  it.each([
    [{ cpu: 91 }, 'resource_cpu:critical'],
    [{ cpu: 81 }, 'resource_cpu:warning'],
    [{ cpu: 71 }, 'resource_cpu:info'],
    [{ memory: 96 }, 'resource_memory:critical'],
    [{ memory: 86 }, 'resource_memory:warning'],
    [{ memory: 76 }, 'resource_memory:info'],
    [{ storage: 96 }, 'resource_storage:critical'],
    [{ storage: 86 }, 'resource_storage:warning'],
    [{ storage: 81 }, 'resource_storage:info'],
    [{ network: 81 }, 'resource_network:warning'],
    [{ network: 61 }, 'resource_network:info'],
    [{ cpu: 70, memory: 75, storage: 80, network: 60 }, undefined],
  ])('resources %j → %s', (util, expected) => {
    expect(fired(monitoring({}, util))).toEqual(expected ? [expected] : []);
  });
});

describe('alert cooldowns', () => {
  const alert = (type: string, severity: 'critical' | 'warning' | 'info') => ({ type, severity });

  it.each([
    ['critical', COOLDOWN_MS.critical, 300_000],
    ['warning', COOLDOWN_MS.warning, 900_000],
    ['info', COOLDOWN_MS.info, 3_600_000],
  ] as const)('%s fires once per %i ms', (severity, cooldown, expected) => {
    expect(cooldown).toBe(expected);
    const c = new AlertCooldowns();
    const a = [alert('performance', severity)];
    expect(c.admit(a, 0)).toHaveLength(1);
    expect(c.admit(a, cooldown - 1)).toHaveLength(0);
    expect(c.admit(a, cooldown)).toHaveLength(1);
  });

  it('keys by rule and severity: another rule or severity is not suppressed', () => {
    const c = new AlertCooldowns();
    c.admit([alert('performance', 'warning')], 0);
    expect(c.admit([alert('performance', 'warning'), alert('performance', 'critical'), alert('resource_cpu', 'warning')], 1000)).toEqual([
      alert('performance', 'critical'),
      alert('resource_cpu', 'warning'),
    ]);
  });

  it('a seeded alert (fired by a previous producer) is respected', () => {
    const c = new AlertCooldowns();
    c.seed('storage', 'critical', 10_000);
    expect(c.admit([alert('storage', 'critical')], 10_000 + COOLDOWN_MS.critical - 1)).toEqual([]);
    expect(c.admit([alert('storage', 'critical')], 10_000 + COOLDOWN_MS.critical)).toHaveLength(1);
  });
});
