import { computeStats, paginate, summarizeAgents } from './discovery';
import { StatsDataSchema } from './frames/public';

const agent = (id: number, agent_type = 'testing', status: 'alive' | 'dead' = 'alive') => ({ agent_id: `a${id}`, agent_type, status });
const alive = (n: number) => Array.from({ length: n }, (_, i) => agent(i));

describe('paginate', () => {
  it('defaults to page 1 of 30', () => {
    const p = paginate(alive(45));
    expect(p.agents.map((a) => a.agent_id)).toEqual(alive(30).map((a) => a.agent_id));
    expect(p.pagination).toEqual({
      current_page: 1,
      page_size: 30,
      total_agents: 45,
      total_pages: 2,
      has_next: true,
      has_previous: false,
      next_page: 2,
      previous_page: null,
    });
    expect(p.filters).toEqual({ agent_type: null });
  });

  it('serves the last partial page', () => {
    const p = paginate(alive(45), { page: 2, page_size: 30 });
    expect(p.agents).toHaveLength(15);
    expect(p.pagination).toMatchObject({ has_next: false, has_previous: true, next_page: null, previous_page: 1 });
  });

  it('answers a page past the end with no agents but a previous page', () => {
    const p = paginate(alive(5), { page: 4, page_size: 2 });
    expect(p.agents).toEqual([]);
    expect(p.pagination).toMatchObject({ current_page: 4, total_pages: 3, has_next: false, has_previous: true, previous_page: 3 });
  });

  it('reports zero pages when nothing matches', () => {
    expect(paginate([]).pagination).toMatchObject({ total_agents: 0, total_pages: 0, has_next: false, has_previous: false });
  });

  it('clamps page and page_size and truncates fractions', () => {
    expect(paginate(alive(300), { page: 0, page_size: 500 }).pagination).toMatchObject({ current_page: 1, page_size: 100, total_pages: 3 });
    expect(paginate(alive(3), { page: 1.9, page_size: 0 }).pagination).toMatchObject({ current_page: 1, page_size: 1, total_pages: 3 });
  });

  it('keeps alive agents only, then filters by exact, case-sensitive type', () => {
    const list = [agent(1, 'security'), agent(2, 'Security'), agent(3, 'security', 'dead'), agent(4, 'testing')];
    expect(paginate(list).pagination.total_agents).toBe(3);
    const p = paginate(list, { agent_type: 'security' });
    expect(p.agents.map((a) => a.agent_id)).toEqual(['a1']);
    expect(p.filters).toEqual({ agent_type: 'security' });
  });

  it('ignores a falsy filter but still echoes it', () => {
    const p = paginate(alive(3), { agent_type: '' });
    expect(p.pagination.total_agents).toBe(3);
    expect(p.filters).toEqual({ agent_type: '' });
  });
});

describe('computeStats', () => {
  it('counts alive and dead over one snapshot with first-seen type order', () => {
    const stats = computeStats([
      agent(1, 'testing'),
      agent(2, 'security', 'dead'),
      agent(3, 'testing', 'dead'),
      agent(4, 'monitoring'),
      agent(5, 'security'),
    ]);
    expect(stats).toEqual({
      total_agents: 5,
      alive_agents: 3,
      dead_agents: 2,
      agent_types_count: 3,
      available_types: ['testing', 'security', 'monitoring'],
      system_status: 'operational',
    });
    expect(StatsDataSchema.safeParse(stats).success).toBe(true);
  });

  it('is all zeros for an empty directory', () => {
    expect(computeStats([])).toMatchObject({ total_agents: 0, agent_types_count: 0, available_types: [] });
  });
});

describe('summarizeAgents', () => {
  it('counts per type and status, including awkward type names', () => {
    const s = summarizeAgents([agent(1, '__proto__'), agent(2, '__proto__', 'dead'), agent(3, 'testing')]);
    expect(s).toMatchObject({ total_count: 3, active_count: 2, status_summary: { alive: 2, dead: 1 } });
    // An object literal cannot spell an own `__proto__` key; compare the wire text instead.
    expect(JSON.stringify(s.agent_types)).toBe('{"__proto__":2,"testing":1}');
  });
});
