import { effectiveStatus, StoredAgentSchema } from './agent-stored';
import { dashboardAgentsData, toDashboardAgent, toHttpAgent, toWsAgent } from './agent-views';
import { dashboardFrame } from './builders';
import { DashboardOutboundFrameSchema } from './frames/dashboard';
import { DashboardAgentWireSchema, WsAgentWireSchema } from './frames/common';
import { storedAgent } from './test-support/agents';

const WS_KEYS = [
  'agent_id',
  'name',
  'agent_type',
  'endpoint',
  'capabilities',
  'context_brief',
  'version',
  'owner',
  'public_key',
  'metadata',
  'communication_mode',
  'features',
];
const TAIL = ['policy_tags', 'status', 'last_seen', 'registered_at', 'metrics'];
const OPTIONAL = ['max_tokens', 'language_support', 'rate_limit', 'requirements'];
const METRICS_KEYS = [
  'agent_id',
  'success_rate',
  'avg_response_time',
  'total_requests',
  'last_active',
  'reputation_score',
  'requests_processed',
  'average_response_time',
  'error_rate',
];

const full = () =>
  storedAgent({
    max_tokens: 100,
    language_support: ['en'],
    rate_limit: 5,
    requirements: { permissions: ['x'] },
    ai_context: 'secret hint',
  });

describe('toWsAgent', () => {
  it('uses the reference key order and drops absent optional fields (exclude_none)', () => {
    const view = toWsAgent(storedAgent(), 'alive');
    expect(Object.keys(view)).toEqual([...WS_KEYS, ...TAIL]);
    expect(Object.keys(view.metrics)).toEqual(METRICS_KEYS);
  });

  it('includes optional fields in place when present, never ai_context', () => {
    const view = toWsAgent(full(), 'alive');
    expect(Object.keys(view)).toEqual([...WS_KEYS, ...OPTIONAL, ...TAIL]);
    expect(view).not.toHaveProperty('ai_context');
  });

  it('drops null members inside requirements', () => {
    const req = toWsAgent(full(), 'alive').requirements!;
    expect(req).not.toHaveProperty('minimum_memory_mb');
    expect(req).toMatchObject({ permissions: ['x'], requires_internet: true, schema_version: '1.0' });
  });

  it('renders datetimes as Python str(datetime) in UTC and the given status', () => {
    const view = toWsAgent(storedAgent(), 'dead');
    expect(view).toMatchObject({ status: 'dead', last_seen: '2025-09-07 21:28:48.934468', registered_at: '2025-09-07 20:10:37.497558' });
    expect(view.metrics.last_active).toBe('2025-09-07 21:28:48.934468');
    expect(WsAgentWireSchema.safeParse(view).success).toBe(true);
  });
});

describe('toDashboardAgent', () => {
  it('is exclude_none with ISO UTC datetimes', () => {
    const view = toDashboardAgent(storedAgent(), 'alive');
    expect(Object.keys(view)).toEqual([...WS_KEYS, ...TAIL]);
    expect(view.last_seen).toBe('2025-09-07T21:28:48.934468Z');
    expect(view.metrics.last_active).toBe('2025-09-07T21:28:48.934468Z');
    expect(DashboardAgentWireSchema.safeParse(view).success).toBe(true);
  });
});

describe('dashboardAgentsData', () => {
  it('lists every agent in the given order with counts by type and status', () => {
    const agents = [
      storedAgent({ agent_id: 'agent-a', agent_type: 'testing' }, { status: 'alive' }),
      storedAgent({ agent_id: 'agent-b', agent_type: 'testing' }, { status: 'alive' }),
      storedAgent({ agent_id: 'agent-c', agent_type: 'monitoring' }, { status: 'dead' }),
    ];
    const data = dashboardAgentsData(agents);
    expect(data).toMatchObject({
      total_count: 3,
      active_count: 2,
      agent_types: { testing: 2, monitoring: 1 },
      status_summary: { alive: 2, dead: 1 },
    });
    expect(data.agents.map((a) => [a.agent_id, a.status])).toEqual([
      ['agent-a', 'alive'],
      ['agent-b', 'alive'],
      ['agent-c', 'dead'],
    ]);
    expect(DashboardOutboundFrameSchema.safeParse(dashboardFrame('agents', data)).success).toBe(true);
  });

  it('is all zeros for an empty directory', () => {
    expect(dashboardAgentsData([])).toEqual({
      agents: [],
      total_count: 0,
      active_count: 0,
      agent_types: {},
      status_summary: { alive: 0, dead: 0 },
    });
  });
});

describe('toHttpAgent', () => {
  it('keeps every key with nulls and ISO datetimes; metrics only when asked', () => {
    const without = toHttpAgent(storedAgent(), 'alive', { includeMetrics: false });
    expect(Object.keys(without)).toEqual([...WS_KEYS, ...OPTIONAL, ...TAIL]);
    expect(without).toMatchObject({ max_tokens: null, language_support: null, rate_limit: null, requirements: null, metrics: null });
    expect(without.registered_at).toBe('2025-09-07T20:10:37.497558Z');
    const withMetrics = toHttpAgent(storedAgent(), 'alive', { includeMetrics: true });
    expect(withMetrics.metrics?.total_requests).toBe(0);
  });
});

describe('StoredAgentSchema', () => {
  it('round-trips a stored agent through JSON', () => {
    const agent = full();
    expect(StoredAgentSchema.parse(JSON.parse(JSON.stringify(agent)))).toEqual(agent);
  });

  it('rejects drift: bad status, zoneless datetimes, out-of-range metrics', () => {
    expect(StoredAgentSchema.safeParse({ ...full(), status: 'zombie' }).success).toBe(false);
    expect(StoredAgentSchema.safeParse({ ...full(), last_seen: '2025-09-07 21:28:48' }).success).toBe(false);
    expect(StoredAgentSchema.safeParse({ ...full(), metrics: { ...full().metrics, error_rate: 2 } }).success).toBe(false);
  });
});

describe('effectiveStatus', () => {
  const seen = Date.parse('2025-09-07T21:28:48.934Z');
  const agent = storedAgent({}, { last_seen: '2025-09-07T21:28:48.934000Z' });

  it('is alive while last_seen is strictly newer than now - timeout', () => {
    expect(effectiveStatus(agent, seen + 59_999, 60_000)).toBe('alive');
    expect(effectiveStatus(agent, seen + 60_000, 60_000)).toBe('dead');
  });

  it('is dead when stored dead, whatever last_seen says', () => {
    expect(effectiveStatus({ ...agent, status: 'dead' }, seen, 60_000)).toBe('dead');
  });

  it('treats an unreadable last_seen as dead instead of throwing', () => {
    expect(effectiveStatus({ status: 'alive', last_seen: 'garbage' }, seen, 60_000)).toBe('dead');
  });
});
