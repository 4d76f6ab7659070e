/** Shared test data for the metrics service: agents, telemetry beats, config, a quiet logger. */
import { seedAgents } from '@arcp/directory/testing';
import { Writable } from 'node:stream';
import { AgentRegistrationSchema, defaultMetrics, isoUtc, type AgentMetrics, type StoredAgent, type TelemetryEvent } from '@arcp/protocol';
import { createLogger, createMetricsRegistry, loadConfig, type Bus, type Logger } from '@arcp/service-kit';
import { MetricsEnv, type MetricsConfig } from '../config';

export const T0 = Date.parse('2025-09-07T21:00:00.000Z');

export function storedAgent(id: string, type: string, lastSeenMs: number, metrics: Partial<AgentMetrics> = {}): StoredAgent {
  const reg = AgentRegistrationSchema.parse({
    agent_id: id,
    name: `Agent ${id}`,
    agent_type: type,
    endpoint: 'http://localhost:8010',
    capabilities: ['echo'],
    context_brief: 'An agent used by the metrics service tests.',
    version: '1.0.0',
    owner: 'ARCP Tests',
    public_key: 'test-public-key-for-metrics-service-tests-0001',
    metadata: { purpose: 'tests' },
    communication_mode: 'remote',
  });
  return {
    ...reg,
    status: 'alive',
    registered_at: isoUtc(T0 - 3_600_000),
    last_seen: isoUtc(lastSeenMs),
    metrics: { ...defaultMetrics(id, isoUtc(lastSeenMs)), ...metrics },
  };
}

export function beat(instance: string, role: TelemetryEvent['role'], fields: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    instance,
    role,
    at: isoUtc(T0),
    cpu_percent: 0,
    memory_bytes: 0,
    memory_percent: 0,
    event_loop_lag_ms: 0,
    connections: 0,
    requests: 0,
    errors: 0,
    response_time_sum_s: 0,
    interval_s: 5,
    ...fields,
  };
}

export function quietLogger(): Logger {
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  return createLogger({ service: 'metrics-test', level: 'fatal', destination: sink });
}

export function testConfig(env: Record<string, string> = {}): MetricsConfig {
  return loadConfig(MetricsEnv, { ARCP_BUS_PREFIX: 'mtest', INSTANCE_ID: 'm-1', ...env });
}

export const testRegistry = () => createMetricsRegistry({ service: 'metrics-test', version: 'test' });

/** Stores an agent as the registry does. */
export async function putAgent(bus: Bus, bucket: string, agent: StoredAgent): Promise<void> {
  await seedAgents(bus, bucket, [agent]);
}

/** Collects decoded JSON published on `subject`. */
export function collect<T = { type: string; timestamp: string; data: Record<string, unknown> }>(
  bus: Bus,
  subject: string,
): { items: T[]; stop(): void } {
  const items: T[] = [];
  const sub = bus.subscribe(subject, (m) => items.push(JSON.parse(new TextDecoder().decode(m.data)) as T));
  return { items, stop: () => sub.unsubscribe() };
}
