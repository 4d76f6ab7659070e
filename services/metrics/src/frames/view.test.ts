import { DashboardOutboundFrameSchema, dashboardFrame, formatIssues, isoUtc } from '@arcp/protocol';
import { createMemoryBus } from '@arcp/service-kit';
import { beat, storedAgent, T0 } from '../test-support/fixtures';
import { TelemetryAggregator } from '../telemetry/aggregator';
import { frame } from '../wire';
import { readClusterView } from './view';

const TIMEOUT_MS = 60_000;

function scripted(nowMs = T0) {
  const agents = [
    storedAgent('agent-a', 'testing', nowMs - 1_000, { total_requests: 100, avg_response_time: 0.5, error_rate: 0.01 }),
    storedAgent('agent-b', 'testing', nowMs - 2_000, { total_requests: 50, avg_response_time: 1.234, error_rate: 0.1 }),
    storedAgent('agent-c', 'monitoring', nowMs - 120_000, { total_requests: 7, avg_response_time: 0, error_rate: 0 }),
  ];
  let clock = nowMs;
  const telemetry = new TelemetryAggregator(15_000, () => clock);
  telemetry.record(beat('pub-1', 'gateway-public', { cpu_percent: 10, memory_percent: 20, connections: 300 }));
  telemetry.record(beat('pub-2', 'gateway-public', { cpu_percent: 30, memory_percent: 40, connections: 200 }));
  telemetry.record(beat('dash-1', 'gateway-dashboard', { cpu_percent: 20, memory_percent: 30, connections: 3 }));
  const bus = createMemoryBus();
  const view = () =>
    readClusterView({ agents: () => agents, telemetry, bus, heartbeatTimeoutMs: TIMEOUT_MS, connectionCapacity: 1000 }, clock);
  return { view, advance: (ms: number) => (clock += ms), telemetry };
}

describe('frames built from a scripted cluster', () => {
  it('monitoring: sums, means in seconds, and utilisation from telemetry', () => {
    const { monitoring } = scripted().view();
    expect(monitoring).toMatchObject({
      total_requests: 157,
      avg_response_time: 0.58, // (0.5 + 1.234 + 0) / 3 seconds
      error_rate: 0.037, // (0.01 + 0.1 + 0) / 3
      agent_count: 3,
      resource_utilization: { cpu: 20, memory: 30, network: 50.3, storage: 0 },
    });
    expect(monitoring.agent_metrics.map((m) => m.agent_id)).toEqual(['agent-a', 'agent-b', 'agent-c']);
    expect(DashboardOutboundFrameSchema.safeParse(dashboardFrame('monitoring', monitoring, isoUtc(T0))).success).toBe(true);
  });

  it('health: agents component and gateway replicas from telemetry', () => {
    const { health } = scripted().view();
    expect(health.status).toBe('healthy');
    expect(health.reason).toBe('System operational with minor issues');
    expect(health.components.agents).toEqual({ total: 3, active: 2, status: 'degraded', connectivity_ratio: 0.667 });
    expect(health.components.storage).toEqual({ status: 'healthy', engine: 'memory', connected: true });
    expect(health.components.gateways).toEqual({
      public: { replicas: 2, connections: 500 },
      agents: { replicas: 0, connections: 0 },
      dashboard: { replicas: 1, connections: 3 },
    });
    // The wire type is cast in wire.ts; the protocol schema is what really has to accept it.
    const r = DashboardOutboundFrameSchema.safeParse(frame('health', health, isoUtc(T0)));
    expect(r.success ? 'valid' : formatIssues(r.error)).toBe('valid');
  });

  it('drops instances silent for longer than the telemetry timeout', () => {
    const s = scripted();
    s.advance(10_000);
    s.telemetry.record(beat('pub-1', 'gateway-public', { cpu_percent: 50, memory_percent: 10, connections: 100 }));
    s.advance(6_000); // pub-2 and dash-1 last heard 16 s ago
    const { cluster, monitoring } = s.view();
    expect(cluster.instances).toBe(1);
    expect(monitoring.resource_utilization).toEqual({ cpu: 50, memory: 10, network: 10, storage: 0 });
  });

  it('an empty cluster gives zeros', () => {
    const telemetry = new TelemetryAggregator(15_000, () => T0);
    const v = readClusterView(
      { agents: () => [], telemetry, bus: createMemoryBus(), heartbeatTimeoutMs: TIMEOUT_MS, connectionCapacity: 10 },
      T0,
    );
    expect(v.monitoring).toEqual({
      total_requests: 0,
      avg_response_time: 0,
      error_rate: 0,
      agent_metrics: [],
      agent_count: 0,
      resource_utilization: { cpu: 0, memory: 0, network: 0, storage: 0 },
    });
    expect(v.health).toMatchObject({ status: 'healthy', reason: 'All systems operational' });
  });
});
