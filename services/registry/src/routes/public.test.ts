import { ARCP_API_VERSION } from '@arcp/protocol';
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
    await seed(); // pub-1 and pub-2 dead, pub-3 alive
    const health = await h.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({
      status: 'healthy',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      version: ARCP_API_VERSION,
      uptime: 'operational',
      service: 'ARCP Registry',
      features: { vector_search: false, metrics_tracking: true, jwt_authentication: true, websocket_broadcasts: true },
      storage: { engine: 'memory', status: 'connected' },
      ai_services: { azure_openai: 'not_configured', embeddings: false },
      agents: {
        total_registered: 3,
        alive_agents: 1,
        dead_agents: 2,
        agent_types: { security: 1, monitoring: 1, testing: 1 },
      },
    });
    expect((await h.call('GET', '/')).json).toEqual({
      service: 'ARCP',
      version: ARCP_API_VERSION,
      status: 'healthy',
      dashboard: '/dashboard',
      docs: '/docs',
    });
  });

  it('counts agents of one type together in health', async () => {
    await registerAgent(h, 'pub-1', 'key-aaaaaaaaaa');
    await registerAgent(h, 'pub-2', 'key-bbbbbbbbbb');
    expect((await h.call('GET', '/health')).json['agents']).toEqual({
      total_registered: 2,
      alive_agents: 2,
      dead_agents: 0,
      agent_types: { security: 2 },
    });
  });
});

describe('text search rules', () => {
  const ids = (body: unknown) => (body as Array<{ id: string }>).map((a) => a.id);
  const search = async (body: Record<string, unknown>) => ids((await h.call('POST', '/public/search', { body })).body);

  beforeEach(async () => {
    await registerAgent(h, 'pub-1', 'key-aaaaaaaaaa', {
      capabilities: ['vulnerability-scan', 'reporting'],
      context_brief: 'Scans hosts for weak ciphers',
      metadata: { region: 'nordics', tier: 1 },
    });
    await registerAgent(h, 'pub-2', 'key-bbbbbbbbbb', {
      agent_type: 'monitoring',
      capabilities: ['metrics', 'reporting'],
      context_brief: 'Watches CPU and memory of servers',
    });
  });

  it('needs half of the words longer than two characters, at least one', async () => {
    // Four words: two must match. "cpu" and "memory" do for pub-2; only "weak" for pub-1.
    expect(await search({ query: 'cpu memory weak zzzz' })).toEqual(['pub-2']);
    // Three words: one is enough (floor of 3/2).
    expect((await search({ query: 'weak zzzz yyyy' })).sort()).toEqual(['pub-1']);
    // Words of two characters or fewer are not words: "of" alone matches nothing.
    expect(await search({ query: 'of' })).toEqual([]);
    expect(await search({ query: 'of cpu' })).toEqual(['pub-2']);
  });

  it('searches the name, type, capabilities, features and string metadata, case-insensitively', async () => {
    expect(await search({ query: 'NORDICS' })).toEqual(['pub-1']);
    expect(await search({ query: 'monitoring' })).toEqual(['pub-2']);
    expect(await search({ query: 'vulnerability-scan' })).toEqual(['pub-1']);
    expect((await search({ query: 'agent' })).sort()).toEqual(['pub-1', 'pub-2']);
  });

  it('filters by type and by every capability, leaves out dead agents, and keeps top_k', async () => {
    expect(await search({ query: 'reporting', agent_type: 'monitoring' })).toEqual(['pub-2']);
    expect(await search({ query: 'reporting', capabilities: ['reporting', 'metrics'] })).toEqual(['pub-2']);
    expect(await search({ query: 'reporting', top_k: 1 })).toHaveLength(1);
    // Exactly the fallback's similarity still answers; above it nothing does.
    expect((await search({ query: 'reporting', min_similarity: 0.8 })).sort()).toEqual(['pub-1', 'pub-2']);
    h.clock.advance(61_000);
    expect(await search({ query: 'reporting' })).toEqual([]);
  });

  it('answers each hit in the reference shape, with metrics only when weighted', async () => {
    const [plain] = (await h.call('POST', '/public/search', { body: { query: 'ciphers' } })).body as Array<Record<string, unknown>>;
    expect(plain).toEqual({
      id: 'pub-1',
      name: 'Agent pub-1',
      url: 'https://agents.example.com/pub-1',
      capabilities: ['vulnerability-scan', 'reporting'],
      version: '1.2.3',
      owner: 'Blue Team',
      similarity: 0.8,
    });
    const [weighted] = (await h.call('POST', '/public/search', { body: { query: 'ciphers', weighted: true } })).body as Array<
      Record<string, unknown>
    >;
    expect(weighted).toEqual({ ...plain, metrics: expect.objectContaining({ agent_id: 'pub-1' }) });
  });
});
