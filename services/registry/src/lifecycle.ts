/**
 * Directory mutations shared by the HTTP routes and the liveness sweeper: compare-and-set
 * updates with retry, and unregistration (delete, revoke the agent's tokens, free its key,
 * announce once).
 */
import { revoke } from '@arcp/auth';
import { type StoredAgent } from '@arcp/protocol';
import { KvConflictError } from '@arcp/service-kit';
import { type RegistryContext, type Stores } from './context';
import { type VersionedAgent } from './store/agent-store';

const MAX_CAS_ATTEMPTS = 8;

export interface Mutation {
  readonly before: StoredAgent;
  readonly after: StoredAgent;
}

/**
 * Applies `change` to the current record until the compare-and-set wins (a concurrent heartbeat
 * or sweep just means another round). Resolves null when the agent does not exist.
 */
export async function mutateAgent(
  stores: Stores,
  agentId: string,
  change: (current: StoredAgent) => StoredAgent,
): Promise<Mutation | null> {
  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const current = await stores.agents.get(agentId);
    if (current === null) return null;
    const next = change(current.agent);
    try {
      await stores.agents.update(next, current.revision);
      return { before: current.agent, after: next };
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
    }
  }
  throw new KvConflictError('agents', agentId);
}

/**
 * Removes an agent seen at `current.revision`. Resolves false when someone else changed or
 * removed it first (so exactly one caller announces the unregistration).
 */
export async function unregisterAgent(
  ctx: RegistryContext,
  stores: Stores,
  current: VersionedAgent,
  reason: 'request' | 'timeout',
): Promise<boolean> {
  const { agent } = current;
  try {
    await stores.agents.remove(agent.agent_id, current.revision);
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
