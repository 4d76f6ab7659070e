import { registerAgent, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ AGENT_KEYS: 'key-aaaaaaaaaa,key-bbbbbbbbbb,key-cccccccccc' });
});
afterEach(async () => {
  await h.registry.stop();
});

async function seed(): Promise<void> {
  await registerAgent(h, 'pub-1', 'key-aaaaaaaaaa', { capabilities: ['vulnerability-scan', 'reporting'] });
  await registerAgent(h, 'pub-2', 'key-bbbbbbbbbb', {
    agent_type: 'monitoring',
    capabilities: ['metrics', 'reporting'],
    context_brief: 'Watches CPU and memory of servers',
  });
  h.clock.advance(30_000);
  await registerAgent(h, 'pub-3', 'key-cccccccccc', { agent_type: 'testing', capabilities: ['fuzzing'] });
  h.clock.advance(31_000); // pub-1 and pub-2 are now dead
}

describe('public endpoints', () => {
  it('discovers alive agents only, with all-match capability filters and paging', async () => {
    await seed();
    const all = await h.call('GET', '/public/discover');
    expect((all.body as Array<{ agent_id: string; metrics: unknown }>).map((a) => a.agent_id)).toEqual(['pub-3']);
    h.clock.advance(-31_000);
    const alive = (await h.call('GET', '/public/discover?capabilities=reporting')).body as Array<{ agent_id: string }>;
    expect(alive.map((a) => a.agent_id)).toEqual(['pub-1', 'pub-2']);
    const both = (await h.call('GET', '/public/discover?capabilities=reporting&capabilities=metrics')).body as Array<{ agent_id: string }>;
    expect(both.map((a) => a.agent_id)).toEqual(['pub-2']);
    const page = (await h.call('GET', '/public/discover?limit=1&offset=1')).body as Array<{ agent_id: string }>;
    expect(page.map((a) => a.agent_id)).toEqual(['pub-2']);
    expect((await h.call('GET', '/public/discover?limit=101')).status).toBe(422);
    expect((await h.call('GET', '/public/discover?offset=-1')).status).toBe(422);
  });

  it('answers public agent lookups with the reference 404s', async () => {
    await seed();
    expect((await h.call('GET', '/public/agent/pub-3')).json).toMatchObject({ agent_id: 'pub-3', status: 'alive' });
    const dead = await h.call('GET', '/public/agent/pub-1');
    expect(dead.status).toBe(404);
    expect(dead.json['detail']).toBe("Agent 'pub-1' is not available for connections");
    expect((await h.call('GET', '/public/agent/nobody')).json['type']).toMatch(/agent-not-found$/);
  });

  it('reports stats and allowed types', async () => {
    await seed();
    const stats = await h.call('GET', '/public/stats');
    expect(stats.json).toMatchObject({ alive_agents: 1, total_agents: 3, agent_types: 3, system_status: 'operational' });
    expect(stats.json['available_types']).toEqual(['monitoring', 'security', 'testing']);
    expect((await h.call('GET', '/public/agent_types')).json).toEqual({
      allowed_agent_types: ['security', 'monitoring', 'automation', 'networking', 'testing'],
    });
  });

  it('searches by text with the fallback rule', async () => {
    await seed();
    h.clock.advance(-31_000);
    const res = await h.call('POST', '/public/search', { body: { query: 'memory of servers' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ id: 'pub-2', url: 'https://agents.example.com/pub-2', similarity: 0.8 })]);
    const filtered = await h.call('POST', '/public/search', { body: { query: 'scans reporting', agent_type: 'security', weighted: true } });
    expect((filtered.body as Array<{ id: string; metrics: unknown }>)[0]).toMatchObject({ id: 'pub-1', metrics: expect.any(Object) });
    expect((await h.call('POST', '/public/search', { body: { query: 'memory', min_similarity: 0.9 } })).body).toEqual([]);
    expect((await h.call('POST', '/public/search', { body: { query: 'x' } })).status).toBe(422);
  });

  it('reports health truthfully and the root document', async () => {
    const health = await h.call('GET', '/health');
    expect(health.json).toMatchObject({ status: 'healthy', service: 'ARCP Registry', storage: { engine: 'memory', status: 'connected' } });
    expect(health.json).not.toHaveProperty('storage.redis');
    expect((await h.call('GET', '/')).json).toMatchObject({ service: 'ARCP', status: 'healthy' });
  });
});
