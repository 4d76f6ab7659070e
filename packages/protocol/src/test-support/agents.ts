/** Test data: a valid registration body and the stored agent it becomes. */
import { AgentRegistrationSchema, type AgentRegistrationInput } from '../agent';
import { defaultMetrics } from '../agent-metrics';
import type { StoredAgent } from '../agent-stored';

export function validRegistration(overrides: Record<string, unknown> = {}): AgentRegistrationInput & Record<string, unknown> {
  return {
    agent_id: 'demo-agent-001',
    name: 'ARCP Demo Agent',
    agent_type: 'testing',
    endpoint: 'http://localhost:8010',
    capabilities: ['echo', 'compute'],
    context_brief: 'A demonstration agent showing proper ARCP integration patterns.',
    version: '1.0.0',
    owner: 'ARCP Examples',
    public_key: 'demo-public-key-for-testing-purposes-only-at-least-32-chars',
    metadata: { author: 'ARCP Examples', tags: ['demo'], demo_agent: true },
    communication_mode: 'remote',
    ...overrides,
  };
}

export function storedAgent(overrides: Record<string, unknown> = {}, fields: Partial<StoredAgent> = {}): StoredAgent {
  const reg = AgentRegistrationSchema.parse(validRegistration(overrides));
  return {
    ...reg,
    status: 'alive',
    registered_at: '2025-09-07T20:10:37.497558Z',
    last_seen: '2025-09-07T21:28:48.934468Z',
    metrics: defaultMetrics(reg.agent_id, '2025-09-07T21:28:48.934468Z'),
    ...fields,
  };
}
