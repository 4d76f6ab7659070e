/**
 * Directory mutations shared by the HTTP routes and the liveness sweeper: compare-and-set updates
 * of an agent's metrics with retry, and unregistration (delete, revoke the agent's
 * tokens, free its key, announce once).
 */
import { revoke } from '@arcp/auth';
import { type VersionedAgent } from '@arcp/directory';
import { type AgentMetrics } from '@arcp/protocol';
import { KvConflictError } from '@arcp/service-kit';
import { type RegistryContext, type Stores } from './context';

const MAX_CAS_ATTEMPTS = 8;

export interface Change<T> {
  readonly before: T;
  readonly after: T;
}

/** Retries `attempt` while a concurrent writer wins the compare-and-set; null when the record is absent. */
async function withRetry<T>(key: string, attempt: () => Promise<T | null>): Promise<T | null> {
  for (let i = 0; i < MAX_CAS_ATTEMPTS; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
  }
  throw new KvConflictError('agents', key);
}

/** Applies `change` to a registered agent's metrics; null when the agent is not registered. */
export function mutateMetrics(
  stores: Stores,
  agentId: string,
  change: (current: AgentMetrics) => AgentMetrics,
): Promise<Change<VersionedAgent> | null> {
  return withRetry(agentId, async () => {
    const current = await stores.writer.read(agentId);
    if (current === null) return null;
    const metrics = change(current.agent.metrics);
    await stores.writer.setMetrics(agentId, metrics, current.revisions.metrics);
    return { before: current, after: { ...current, agent: { ...current.agent, metrics } } };
  });
}

/**
 * Removes an agent seen at `current`. Resolves false when someone else changed or removed its
 * registration first (so exactly one caller announces the unregistration).
 */
export async function unregisterAgent(
  ctx: RegistryContext,
  stores: Stores,
  current: VersionedAgent,
  reason: 'request' | 'timeout',
): Promise<boolean> {
  const { agent } = current;
  try {
    await stores.writer.remove(agent.agent_id, current.revisions.registration);
  } catch (err) {
    if (err instanceof KvConflictError) return false;
    throw err;
  }
  await revoke(
    { kv: stores.revokedKv, bus: ctx.bus, busSubject: ctx.names.revocations, now: ctx.now },
    { kind: 'agent', subject: agent.agent_id, untilMs: ctx.now() + ctx.agentTokenMs },
  );
  await stores.keys.release(agent.agent_id);
  ctx.events.directory('unregistered', agent);
  const why = reason === 'timeout' ? 'removed after missing heartbeats' : 'unregistered';
  ctx.events.log('INFO', 'agents', `Agent ${agent.agent_id} ${why}`, { agent_id: agent.agent_id, agent_type: agent.agent_type, reason });
  ctx.logger.info({ agent_id: agent.agent_id, reason }, 'agent unregistered');
  return true;
}
