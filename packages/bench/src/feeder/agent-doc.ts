/**
 * The agent document the benchmarks write into the agents KV bucket: a valid `StoredAgent`
 * (the gateways' directory validates every entry) sized so that a one-agent `agents_update`
 * frame is ~750 bytes. Built once as a template; each write only splices in `name` and
 * `last_seen`, so the feeder spends microseconds per write. `agentsUpdateDocument` is the
 * `agents_update` frame the gateway would build from it (for the engine-forward feed).
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

/** Returns `(name, lastSeen) => JSON` for one agent id. */
export function agentDocument(agentId: string, registeredAt: string): (name: string, lastSeen: string) => string {
  const text = JSON.stringify(storedAgent(agentId, NAME, registeredAt, SEEN));
  const [a, rest] = text.split(JSON.stringify(NAME)) as [string, string];
  const [b, c] = rest.split(JSON.stringify(SEEN)) as [string, string];
  return (name, lastSeen) => `${a}"${name}"${b}"${lastSeen}"${c}`;
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
