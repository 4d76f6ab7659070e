/**
 * The three public shapes of a stored agent (the reference's AgentInfo dict): WebSocket view
 * (exclude_none, Python datetimes), HTTP view (nulls kept, ISO datetimes) and dashboard view
 * (exclude_none, ISO datetimes). Key order is the original ARCP server's.
 */
import type { AgentMetadata } from './agent';
import type { AgentMetrics } from './agent-metrics';
import type { AgentRequirements } from './agent-requirements';
import type { AgentStatus, StoredAgent } from './agent-stored';
import { isoUtc, pyDateTime } from './time';

export type RequirementsView = { [K in keyof AgentRequirements]?: NonNullable<AgentRequirements[K]> };

interface AgentViewBase<M> {
  agent_id: string;
  name: string;
  agent_type: string;
  endpoint: string;
  capabilities: string[];
  context_brief: string;
  version: string;
  owner: string;
  public_key: string;
  metadata: AgentMetadata;
  communication_mode: string;
  features: string[];
  max_tokens?: number;
  language_support?: string[];
  rate_limit?: number;
  requirements?: RequirementsView;
  policy_tags: string[];
  status: AgentStatus;
  last_seen: string;
  registered_at: string;
  metrics: M;
}

/** Agent on `/public/ws` and `/agents/ws`: datetimes `YYYY-MM-DD HH:MM:SS.ffffff` (UTC). */
export type WsAgent = AgentViewBase<AgentMetrics>;
/** Agent in dashboard `agents` frames: ISO-8601 UTC datetimes. */
export type DashboardAgent = AgentViewBase<AgentMetrics>;

/** Agent in HTTP bodies: every key present, absent values as null, ISO-8601 UTC datetimes. */
export interface HttpAgent extends Omit<
  AgentViewBase<AgentMetrics | null>,
  'max_tokens' | 'language_support' | 'rate_limit' | 'requirements'
> {
  max_tokens: number | null;
  language_support: string[] | null;
  rate_limit: number | null;
  requirements: AgentRequirements | null;
}

type Fmt = (iso: string) => string;

function metricsView(m: AgentMetrics, fmt: Fmt): AgentMetrics {
  return {
    agent_id: m.agent_id,
    success_rate: m.success_rate,
    avg_response_time: m.avg_response_time,
    total_requests: m.total_requests,
    last_active: fmt(m.last_active),
    reputation_score: m.reputation_score,
    requests_processed: m.requests_processed,
    average_response_time: m.average_response_time,
    error_rate: m.error_rate,
  };
}

function requirementsView(r: AgentRequirements): RequirementsView {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r)) if (value !== null && value !== undefined) out[key] = value;
  return out as RequirementsView;
}

function head(a: StoredAgent) {
  return {
    agent_id: a.agent_id,
    name: a.name,
    agent_type: a.agent_type,
    endpoint: a.endpoint,
    capabilities: a.capabilities,
    context_brief: a.context_brief,
    version: a.version,
    owner: a.owner,
    public_key: a.public_key,
    metadata: a.metadata,
    communication_mode: a.communication_mode,
    features: a.features,
  };
}

function excludeNoneView(a: StoredAgent, status: AgentStatus, fmt: Fmt): AgentViewBase<AgentMetrics> {
  return {
    ...head(a),
    ...(a.max_tokens !== null ? { max_tokens: a.max_tokens } : {}),
    ...(a.language_support !== null ? { language_support: a.language_support } : {}),
    ...(a.rate_limit !== null ? { rate_limit: a.rate_limit } : {}),
    ...(a.requirements !== null ? { requirements: requirementsView(a.requirements) } : {}),
    policy_tags: a.policy_tags,
    status,
    last_seen: fmt(a.last_seen),
    registered_at: fmt(a.registered_at),
    metrics: metricsView(a.metrics, fmt),
  };
}

/** The reference's `agent.dict(exclude_none=True)` with `json.dumps(default=str)` datetimes. */
export function toWsAgent(agent: StoredAgent, status: AgentStatus): WsAgent {
  return excludeNoneView(agent, status, pyDateTime);
}

/** The dashboard `agents` frame entry: exclude_none, ISO-8601 UTC datetimes. */
export function toDashboardAgent(agent: StoredAgent, status: AgentStatus): DashboardAgent {
  return excludeNoneView(agent, status, isoUtc);
}

/** What the dashboard's `agents` frame counts and lists (the reference's shape). */
export interface DashboardAgentsData {
  agents: DashboardAgent[];
  total_count: number;
  active_count: number;
  agent_types: Record<string, number>;
  status_summary: { alive: number; dead: number };
}

/**
 * The dashboard `agents` frame data: every agent (alive and dead) with counts by type and
 * status. Each agent's `status` must already be its effective status (lazy liveness applied).
 */
export function dashboardAgentsData(agents: readonly StoredAgent[]): DashboardAgentsData {
  const types: Record<string, number> = {};
  const views: DashboardAgent[] = new Array(agents.length);
  let alive = 0;
  for (let i = 0; i < agents.length; i++) {
    const a = agents[i]!;
    types[a.agent_type] = (types[a.agent_type] ?? 0) + 1;
    if (a.status === 'alive') alive += 1;
    views[i] = toDashboardAgent(a, a.status);
  }
  return {
    agents: views,
    total_count: agents.length,
    active_count: alive,
    agent_types: types,
    status_summary: { alive, dead: agents.length - alive },
  };
}

/** The HTTP AgentInfo: nulls kept; `metrics` is null unless asked for. */
export function toHttpAgent(agent: StoredAgent, status: AgentStatus, opts: { includeMetrics: boolean }): HttpAgent {
  return {
    ...head(agent),
    max_tokens: agent.max_tokens,
    language_support: agent.language_support,
    rate_limit: agent.rate_limit,
    requirements: agent.requirements,
    policy_tags: agent.policy_tags,
    status,
    last_seen: isoUtc(agent.last_seen),
    registered_at: isoUtc(agent.registered_at),
    metrics: opts.includeMetrics ? metricsView(agent.metrics, isoUtc) : null,
  };
}
