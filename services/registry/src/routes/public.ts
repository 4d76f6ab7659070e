/**
 * Unauthenticated discovery (as in the original ARCP server): `/public/discover`, `/public/agent/{id}`,
 * `/public/stats` and `/public/agent_types`. Only alive agents are discoverable.
 */
import { effectiveStatus, isoUtc, toHttpAgent } from '@arcp/protocol';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { z } from 'zod';
import { findAgent, listAgents, type RegistryContext } from '../context';
import { validate } from '../http/body';
import { fail, HttpFailure, json, readAnswer } from '../http/responses';

const int = (min: number, max: number, fallback: number) =>
  z.preprocess((v) => (v === null || v === '' ? undefined : v), z.coerce.number().int().min(min).max(max).default(fallback));

/** Unlike the reference, negative limits and offsets are refused rather than sliced (a flaw of the original server). */
const DiscoverQuery = z.object({ limit: int(0, 100, 50), offset: int(0, 1_000_000_000, 0) });

export async function discover(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const { limit, offset } = validate(req, DiscoverQuery, { limit: req.query.get('limit'), offset: req.query.get('offset') });
  const type = req.query.get('agent_type') || null;
  const caps = req.query.getAll('capabilities').filter((c) => c !== '');
  const now = ctx.now();
  const alive = (await listAgents(ctx))
    .filter((a) => effectiveStatus(a, now, ctx.timeoutMs) === 'alive')
    .filter((a) => type === null || a.agent_type === type)
    .filter((a) => caps.every((c) => a.capabilities.includes(c)));
  return readAnswer(
    ctx,
    alive.slice(offset, offset + limit).map((a) => toHttpAgent(a, 'alive', { includeMetrics: true })),
  );
}

export async function publicAgent(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const agentId = req.params['agent_id'] ?? '';
  const agent = await findAgent(ctx, agentId);
  if (agent === undefined) throw new HttpFailure(fail(req, 'agent-not-found', `Agent ${agentId} not found`, { agent_id: agentId }));
  if (effectiveStatus(agent, ctx.now(), ctx.timeoutMs) !== 'alive') {
    throw new HttpFailure(fail(req, 'agent-not-available', `Agent '${agentId}' is not available for connections`, { agent_id: agentId }));
  }
  return readAnswer(ctx, toHttpAgent(agent, 'alive', { includeMetrics: true }));
}

export async function publicStats(_req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const now = ctx.now();
  const agents = await listAgents(ctx);
  const alive = agents.filter((a) => effectiveStatus(a, now, ctx.timeoutMs) === 'alive').length;
  const types = [...new Set(agents.map((a) => a.agent_type))].sort();
  return readAnswer(ctx, {
    alive_agents: alive,
    total_agents: agents.length,
    agent_types: types.length,
    system_status: 'operational',
    last_updated: isoUtc(now),
    // Truthful flags: no vector index and no connection forwarding here (text search only).
    features: { semantic_search: false, real_time_discovery: true, connection_facilitation: false },
    ...(types.length > 0 ? { available_types: types } : {}),
  });
}

export function agentTypes(_req: HttpRequest, ctx: RegistryContext): HttpResponse {
  return json({ allowed_agent_types: [...ctx.config.ALLOWED_AGENT_TYPES] });
}
