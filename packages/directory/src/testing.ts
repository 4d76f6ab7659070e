/**
 * Test helpers for users of the directory (`@arcp/directory/testing`): stored-agent fixtures built
 * through the protocol schemas, and seeding a bucket the way the registry writes it.
 */
import { AgentRegistrationSchema, defaultMetrics, isoUtc, type StoredAgent } from '@arcp/protocol';
import type { Bus, KvStore } from '@arcp/service-kit';
import { createDirectoryWriter } from './writer';

export function storedAgent(id: string, fields: Partial<StoredAgent> = {}, nowMs = Date.now()): StoredAgent {
  const reg = AgentRegistrationSchema.parse({
    agent_id: id,
    name: `Agent ${id}`,
    agent_type: 'testing',
    endpoint: 'http://localhost:8010',
    capabilities: ['echo'],
    context_brief: 'A test agent used by the directory tests.',
    version: '1.0.0',
    owner: 'tests',
    public_key: 'test-public-key-for-directory-tests-at-least-32-chars',
    metadata: { suite: 'directory' },
    communication_mode: 'remote',
  });
  const at = isoUtc(nowMs);
  return { ...reg, status: 'alive', registered_at: at, last_seen: at, metrics: defaultMetrics(id, at), ...fields };
}

/** Stores agents as the registry does (three records each); resolves once every write is durable. */
export async function seedAgents(target: Bus | KvStore, bucket: string, agents: readonly StoredAgent[]): Promise<KvStore> {
  const kv = 'kv' in target ? await target.kv(bucket) : target;
  const writer = createDirectoryWriter(kv);
  for (const agent of agents) {
    const current = await writer.read(agent.agent_id);
    await writer.register(agent, current);
  }
  return kv;
}

export const encode = (value: unknown) => Buffer.from(JSON.stringify(value));
