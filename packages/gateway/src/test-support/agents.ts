/** Stored-agent fixtures for directory tests, built through the protocol schemas. */
import { AgentRegistrationSchema, defaultMetrics, isoUtc, type StoredAgent } from '@arcp/protocol';

export function storedAgent(id: string, fields: Partial<StoredAgent> = {}, nowMs = Date.now()): StoredAgent {
  const reg = AgentRegistrationSchema.parse({
    agent_id: id,
    name: `Agent ${id}`,
    agent_type: 'testing',
    endpoint: 'http://localhost:8010',
    capabilities: ['echo'],
    context_brief: 'A test agent used by the gateway-core directory tests.',
    version: '1.0.0',
    owner: 'tests',
    public_key: 'test-public-key-for-directory-tests-at-least-32-chars',
    metadata: { suite: 'gateway-core' },
    communication_mode: 'remote',
  });
  const at = isoUtc(nowMs);
  return { ...reg, status: 'alive', registered_at: at, last_seen: at, metrics: defaultMetrics(id, at), ...fields };
}

export const encode = (agent: unknown) => Buffer.from(JSON.stringify(agent));
