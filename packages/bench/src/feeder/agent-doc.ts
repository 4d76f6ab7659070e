/**
 * The records the benchmarks write into the agents KV bucket, in the registry's layout: a valid
 * registration (the gateways' directory validates it) sized so that a one-agent `agents_update`
 * frame is ~750 bytes, its liveness record (what a heartbeat rewrites) and its metrics. Built
 * once as templates; each write only splices in `name` or `last_seen`, so the feeder spends
 * microseconds per write. `agentsUpdateDocument` is the `agents_update` frame the gateway would
 * build from them (for the engine-forward feed).
 */
import { StoredAgentSchema, agentsUpdateFrame, toWsAgent } from '@arcp/protocol';
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

const NAME = '\u0000NAME\u0000';
const SEEN = '\u0000SEEN\u0000';

/** The registration body of a benchmark agent (HTTP register, and the base of the KV document). */
export function registrationFields(agentId: string, name: string): Record<string, unknown> {
  return {
    agent_id: agentId,
    name,
    agent_type: 'testing',
    endpoint: 'http://localhost:8010',
    capabilities: ['bench'],
    context_brief: 'Benchmark agent',
    version: '1.0.0',
    owner: 'bench',
    public_key: 'k'.repeat(32),
    metadata: { env: 'bench' },
    communication_mode: 'remote',
  };
}

export function storedAgent(agentId: string, name: string, registeredAt: string, lastSeen: string): Record<string, unknown> {
  return {
    ...registrationFields(agentId, name),
    status: 'alive',
    registered_at: registeredAt,
    last_seen: lastSeen,
    metrics: {
      agent_id: agentId,
      success_rate: 0,
      avg_response_time: 0,
      total_requests: 0,
      last_active: registeredAt,
      reputation_score: 0,
      requests_processed: 0,
      average_response_time: 0,
      error_rate: 0,
    },
  };
}

/** Returns `name => JSON` of one agent's registration record (`reg.<id>`). */
export function registrationDocument(agentId: string, registeredAt: string): (name: string) => string {
  const { status: _s, last_seen: _l, metrics: _m, ...registration } = storedAgent(agentId, NAME, registeredAt, registeredAt);
  const [a, b] = JSON.stringify(registration).split(JSON.stringify(NAME)) as [string, string];
  return (name) => `${a}"${name}"${b}`;
}

/** Returns `lastSeen => JSON` of an alive agent's liveness record (`live.<id>`): a heartbeat. */
export function livenessDocument(): (lastSeen: string) => string {
  const [a, b] = JSON.stringify({ status: 'alive', last_seen: SEEN }).split(JSON.stringify(SEEN)) as [string, string];
  return (lastSeen) => `${a}"${lastSeen}"${b}`;
}

/** The metrics record (`metrics.<id>`) of a fresh agent. */
export function metricsDocument(agentId: string, registeredAt: string): string {
  return JSON.stringify(storedAgent(agentId, NAME, registeredAt, registeredAt).metrics);
}

/** Returns `(name, epochSeconds) => agents_update JSON` with one agent, as the public gateway encodes it. */
export function agentsUpdateDocument(agentId: string, registeredAt: string): (name: string, timestamp: number) => string {
  const placeholder = 'tNAMEPLACEHOLDER';
  const agent = StoredAgentSchema.parse(storedAgent(agentId, placeholder, registeredAt, registeredAt));
  const text = JSON.stringify(agentsUpdateFrame([toWsAgent(agent, 'alive')], 0));
  const [a, rest] = text.split('"timestamp":0,') as [string, string];
  const [b, c] = rest.split(`"${placeholder}"`) as [string, string];
  return (name, timestamp) => `${a}"timestamp":${timestamp},${b}"${name}"${c}`;
}
