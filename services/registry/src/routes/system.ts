/**
 * `GET /health` and `GET /` (as in the original ARCP server). Health tells the truth about our storage
 * (the bus engine and its connection), with no invented Redis or AI fields (contract item 7).
 */
import { ARCP_API_VERSION, effectiveStatus, nowIso } from '@arcp/protocol';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { listAgents, type RegistryContext } from '../context';
import { json, readAnswer } from '../http/responses';

/** The reference version our HTTP surface reproduces. */
export const ARCP_VERSION = ARCP_API_VERSION;

export async function health(_req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const busStatus = ctx.bus.status();
  const now = ctx.now();
  // While the bus reconnects: the last known directory, and `degraded`.
  const agents = await listAgents(ctx);
  const alive = agents.filter((a) => effectiveStatus(a, now, ctx.timeoutMs) === 'alive').length;
  const types: Record<string, number> = {};
  for (const a of agents) types[a.agent_type] = (types[a.agent_type] ?? 0) + 1;
  return readAnswer(ctx, {
    status: busStatus === 'connected' ? 'healthy' : 'degraded',
    timestamp: nowIso(),
    version: ARCP_VERSION,
    uptime: 'operational',
    service: 'ARCP Registry',
    features: {
      vector_search: false,
      metrics_tracking: true,
      jwt_authentication: true,
      websocket_broadcasts: true,
    },
    storage: { engine: ctx.bus.engine === 'nats' ? 'nats-jetstream' : 'memory', status: busStatus },
    ai_services: { azure_openai: 'not_configured', embeddings: false },
    agents: { total_registered: agents.length, alive_agents: alive, dead_agents: agents.length - alive, agent_types: types },
  });
}

export function root(): HttpResponse {
  return json({ service: 'ARCP', version: ARCP_VERSION, status: 'healthy', dashboard: '/dashboard', docs: '/docs' });
}
