/**
 * Authenticated directory reads (as in the original ARCP server): `GET /agents` with its filters and
 * `GET /agents/{id}`. Status is the effective (lazy) one, so a reader is never staler than
 * the heartbeat timeout even between sweeps.
 */
import { effectiveStatus, toHttpAgent } from '@arcp/protocol';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { findAgent, listAgents as allAgents, type RegistryContext } from '../context';
import { queryBool } from '../http/body';
import { authenticate } from '../http/guard';
import { fail, HttpFailure, readAnswer } from '../http/responses';

const CALLERS = ['agent', 'admin'] as const;

export async function listAgents(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  await authenticate(ctx, req, 'agent', CALLERS);
  const status = req.query.get('status');
  if (status !== null && status !== '' && status !== 'alive' && status !== 'dead') {
    throw new HttpFailure(fail(req, 'validation-failed', "Input validation failed: status: must be 'alive' or 'dead'"));
  }
  const type = req.query.get('agent_type') || null;
  const caps = req.query.getAll('capabilities').filter((c) => c !== '');
  const includeMetrics = queryBool(req, 'include_metrics', false);
  const now = ctx.now();
  const out = [];
  for (const agent of await allAgents(ctx)) {
    const s = effectiveStatus(agent, now, ctx.timeoutMs);
    if (status && s !== status) continue;
    if (type !== null && agent.agent_type !== type) continue;
    // The reference's any-match for /agents (all-match is /public/discover's rule).
    if (caps.length > 0 && !caps.some((c) => agent.capabilities.includes(c))) continue;
    out.push(toHttpAgent(agent, s, { includeMetrics }));
  }
  return readAnswer(ctx, out);
}

export async function getAgent(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  await authenticate(ctx, req, 'agent', CALLERS);
  const agentId = req.params['agent_id'] ?? '';
  const agent = await findAgent(ctx, agentId);
  if (agent === undefined) throw new HttpFailure(fail(req, 'agent-not-found', `Agent ${agentId} not found`, { agent_id: agentId }));
  const s = effectiveStatus(agent, ctx.now(), ctx.timeoutMs);
  return readAnswer(ctx, toHttpAgent(agent, s, { includeMetrics: queryBool(req, 'include_metrics', false) }));
}
