/**
 * `POST /public/search` without a vector index: the reference's text fallback. Query
 * words longer than two characters; an agent matches when at least max(1, n/2) of them occur in
 * its searchable text; every hit scores 0.8. Only alive agents, filters are all-match.
 */
import { effectiveStatus, SearchRequestSchema, type StoredAgent } from '@arcp/protocol';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { listAgents, type RegistryContext } from '../context';
import { parseBody } from '../http/body';
import { json, readAnswer } from '../http/responses';

const TEXT_MATCH_SIMILARITY = 0.8;

function searchableText(agent: StoredAgent): string {
  const metadata = Object.values(agent.metadata).filter((v): v is string => typeof v === 'string');
  return [agent.name, agent.context_brief, agent.agent_type, ...agent.capabilities, ...agent.features, ...metadata].join(' ').toLowerCase();
}

export function textMatches(agent: StoredAgent, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const text = searchableText(agent);
  const hits = words.filter((w) => text.includes(w)).length;
  return hits >= Math.max(1, Math.floor(words.length / 2));
}

export async function search(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const body = parseBody(req, SearchRequestSchema, ctx.config.MAX_JSON_SIZE);
  if (TEXT_MATCH_SIMILARITY < body.min_similarity) return json([]);
  const words = body.query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 2);
  const now = ctx.now();
  const hits = (await listAgents(ctx))
    .filter((a) => effectiveStatus(a, now, ctx.timeoutMs) === 'alive')
    .filter((a) => body.agent_type === null || a.agent_type === body.agent_type)
    .filter((a) => body.capabilities === null || body.capabilities.every((c) => a.capabilities.includes(c)))
    .filter((a) => textMatches(a, words))
    .slice(0, body.top_k);
  return readAnswer(
    ctx,
    hits.map((a) => ({
      id: a.agent_id,
      name: a.name,
      url: a.endpoint,
      capabilities: a.capabilities,
      version: a.version,
      owner: a.owner,
      similarity: TEXT_MATCH_SIMILARITY,
      ...(body.weighted ? { metrics: a.metrics } : {}),
    })),
  );
}
