/**
 * What an agent does to its own record (reference §2.4): heartbeat, unregister, and metrics.
 * Agents act on themselves, admins on anyone; temp registration tokens are refused here.
 */
import {
  AgentMetricsUpdateSchema,
  effectiveStatus,
  isoUtc,
  type StoredAgent,
} from '@arcp/protocol';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { type RegistryContext } from '../context';
import { parseBody } from '../http/body';
import { authenticate, mayActOn } from '../http/guard';
import { fail, HttpFailure, json } from '../http/responses';
import { mutateAgent, unregisterAgent } from '../lifecycle';

const AGENT_CALLERS = ['agent', 'admin'] as const;

function notFound(req: HttpRequest, agentId: string): HttpFailure {
  return new HttpFailure(fail(req, 'agent-not-found', `Agent ${agentId} not found`, { agent_id: agentId }));
}

function forbidden(req: HttpRequest, detail: string, callerId: string, target: string): HttpFailure {
  return new HttpFailure(fail(req, 'insufficient-permissions', detail, { agent_id: callerId, target_agent_id: target }));
}

export async function heartbeat(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  const caller = await authenticate(ctx, req, 'agent', AGENT_CALLERS);
  if (!mayActOn(caller, agentId)) {
    ctx.metrics.heartbeats.inc({ result: 'forbidden' });
    throw forbidden(req, 'Agents can only update their own heartbeat', caller.claims.agent_id, agentId);
  }
  const stores = await ctx.stores();
  const seenAt = isoUtc(ctx.now());
  let revived = false;
  const result = await mutateAgent(stores, agentId, (current) => {
    revived = effectiveStatus(current, ctx.now(), ctx.timeoutMs) === 'dead';
    return { ...current, status: 'alive', last_seen: seenAt };
  });
  if (result === null) {
    ctx.metrics.heartbeats.inc({ result: 'not_found' });
    throw notFound(req, agentId);
  }
  ctx.metrics.heartbeats.inc({ result: revived ? 'revived' : 'ok' });
  ctx.events.directory(revived ? 'alive' : 'heartbeat', result.after);
  if (revived) ctx.events.log('INFO', 'agents', `Agent ${agentId} is alive again`, { agent_id: agentId, agent_type: result.after.agent_type });
  return json({ agent_id: agentId, status: 'success', last_seen: seenAt, metrics: null });
}

export async function unregister(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  const caller = await authenticate(ctx, req, 'agent', AGENT_CALLERS);
  if (!mayActOn(caller, agentId)) throw forbidden(req, 'Agents can only unregister themselves', caller.claims.agent_id, agentId);
  const stores = await ctx.stores();
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await stores.agents.get(agentId);
    if (current === null) throw notFound(req, agentId);
    if (await unregisterAgent(ctx, stores, current, 'request')) {
      const by = caller.kind === 'admin' ? `admin (${caller.claims.sub})` : 'agent (self)';
      return json({ status: 'success', message: `Agent ${agentId} unregistered successfully`, unregistered_by: by });
    }
  }
  throw notFound(req, agentId);
}

export async function postMetrics(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  const caller = await authenticate(ctx, req, 'agent', AGENT_CALLERS);
  if (!mayActOn(caller, agentId)) throw forbidden(req, 'Agents can only update their own metrics', caller.claims.agent_id, agentId);
  const update = parseBody(req, AgentMetricsUpdateSchema, ctx.config.MAX_JSON_SIZE);
  const stores = await ctx.stores();
  const at = isoUtc(ctx.now());
  const result = await mutateAgent(stores, agentId, (current): StoredAgent => ({
    ...current,
    metrics: { ...current.metrics, ...update, agent_id: agentId, last_active: at },
  }));
  if (result === null) throw notFound(req, agentId);
  ctx.events.directory('metrics', result.after);
  return json({ status: 'success', message: 'Metrics updated successfully', metrics: result.after.metrics });
}

export async function getMetrics(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  await authenticate(ctx, req, 'agent', AGENT_CALLERS);
  const found = await (await ctx.stores()).agents.get(agentId);
  if (found === null) throw new HttpFailure(fail(req, 'agent-not-found', `No metrics found for agent ${agentId}`, { agent_id: agentId }));
  return json(found.agent.metrics);
}
