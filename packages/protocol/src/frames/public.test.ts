import { formatIssues } from '../validation';
import { parsePublicInbound, PublicOutboundFrameSchema, StatsUpdateFrameSchema, unknownTypeMessage } from './public';

const discovery = (fields: Record<string, unknown>) => parsePublicInbound({ type: 'get_discovery', ...fields });

describe('parsePublicInbound', () => {
  it('recognises JSON ping and pong, ignoring extra keys', () => {
    expect(parsePublicInbound({ type: 'ping', id: 7 })).toEqual({ ok: true, command: { type: 'ping' } });
    expect(parsePublicInbound({ type: 'pong' })).toEqual({ ok: true, command: { type: 'pong' } });
  });

  it('applies defaults and clamps page and page_size', () => {
    expect(discovery({})).toEqual({ ok: true, command: { type: 'get_discovery', page: 1, page_size: 30, agent_type: null } });
    expect(discovery({ page: -4, page_size: 1000 })).toMatchObject({ command: { page: 1, page_size: 100 } });
    expect(discovery({ page_size: 0 })).toMatchObject({ command: { page_size: 1 } });
  });

  it.each([
    ['"2"', '2', 2],
    ['2.9', 2.9, 2],
    ['true', true, 1],
    ['false', false, 0],
    ['" 3 "', ' 3 ', 3],
    ['-2.5', -2.5, -2],
  ])('coerces page %s like Python int()', (_label, input, expected) => {
    expect(discovery({ page: input, page_size: input })).toMatchObject({
      ok: true,
      command: { page: Math.max(1, expected), page_size: Math.min(100, Math.max(1, expected)) },
    });
  });

  it.each([null, 'abc', '2.5', [], {}])('answers "Failed to get discovery data" for page %j', (page) => {
    const r = discovery({ page });
    expect(r).toMatchObject({ ok: false, reason: 'invalid', message: 'Failed to get discovery data' });
    if (!r.ok && r.reason === 'invalid') expect(r.detail).toMatch(/^page: Expected an integer/);
  });

  it('echoes agent_type unchanged, whatever its JSON type', () => {
    expect(discovery({ agent_type: 'Security' })).toMatchObject({ command: { agent_type: 'Security' } });
    expect(discovery({ agent_type: 5 })).toMatchObject({ command: { agent_type: 5 } });
  });

  it('reports unknown types with Python rendering of the value', () => {
    expect(parsePublicInbound({ type: 'subscribe' })).toEqual({
      ok: false,
      reason: 'unknown_type',
      type: 'subscribe',
      message: 'Unknown message type: subscribe',
    });
    expect(parsePublicInbound({})).toMatchObject({ message: 'Unknown message type: None' });
    expect(parsePublicInbound({ type: null })).toMatchObject({ message: 'Unknown message type: None' });
    expect(unknownTypeMessage(true)).toBe('Unknown message type: True');
  });

  it.each([[[]], [1], ['x'], [null]])('answers non-object JSON %j with an error instead of dropping the socket', (value) => {
    expect(parsePublicInbound(value)).toMatchObject({ ok: false, reason: 'not_object', message: 'Message must be a JSON object' });
  });
});

describe('public outbound schemas', () => {
  const stats = {
    type: 'stats_update',
    timestamp: 1.5,
    data: { total_agents: 3, alive_agents: 2, dead_agents: 1, agent_types_count: 1, available_types: ['a'], system_status: 'operational' },
  };

  it('accept a well-formed stats_update', () => {
    expect(StatsUpdateFrameSchema.safeParse(stats).success).toBe(true);
  });

  it('reject totals that do not add up, with a useful message', () => {
    const r = StatsUpdateFrameSchema.safeParse({ ...stats, data: { ...stats.data, total_agents: 4 } });
    expect(!r.success && formatIssues(r.error)).toContain('total_agents must equal alive_agents + dead_agents');
  });

  it('reject unknown keys, wrong types and unknown frame types', () => {
    expect(PublicOutboundFrameSchema.safeParse({ ...stats, extra: 1 }).success).toBe(false);
    expect(PublicOutboundFrameSchema.safeParse({ ...stats, timestamp: '2025-01-01' }).success).toBe(false);
    expect(PublicOutboundFrameSchema.safeParse({ type: 'pong' }).success).toBe(false);
    const r = PublicOutboundFrameSchema.safeParse({ type: 'nope' });
    expect(!r.success && formatIssues(r.error)).toMatch(/^type: /);
  });

  it('reject a discovery agent with a non-Python datetime', () => {
    const agent = {
      agent_id: 'a',
      name: 'n',
      agent_type: 't',
      endpoint: 'http://x',
      capabilities: [],
      status: 'alive',
      last_seen: '2025-09-07T21:28:48Z',
    };
    const frame = {
      type: 'agents_update',
      timestamp: 1,
      data: { agents: [agent], total_count: 1 },
    };
    const r = PublicOutboundFrameSchema.safeParse(frame);
    expect(!r.success && formatIssues(r.error)).toContain('data.agents.0.last_seen');
  });
});

describe('get_discovery page bounds', () => {
  it('keeps a huge page an exact integer, so the answer passes its own schema', () => {
    const r = parsePublicInbound({ type: 'get_discovery', page: 2 ** 53 });
    expect(r).toMatchObject({ ok: true, command: { type: 'get_discovery', page: Number.MAX_SAFE_INTEGER } });
  });
});
