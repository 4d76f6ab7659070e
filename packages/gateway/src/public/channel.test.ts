import { createFakeConnection } from '@arcp/ws-engine/testing';
import { StoredAgentSchema, WELCOME_FRAME, effectiveStatus, type StoredAgent } from '@arcp/protocol';
import { createPublicChannel } from './channel';
import { createPublicView } from './view';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const limits = {
  maxConnections: 10,
  maxPayloadBytes: 4096,
  idleTimeoutS: 0,
  maxBackpressureBytes: 65536,
  messageRate: { burst: 10, perSecond: 10 },
};

function agent(id: string, type: string, status: 'alive' | 'dead', lastSeenAgoS = 1): StoredAgent {
  const last = new Date(NOW - lastSeenAgoS * 1000).toISOString().replace('Z', '000Z');
  return StoredAgentSchema.parse({
    agent_id: id,
    name: `Agent ${id}`,
    agent_type: type,
    endpoint: 'http://localhost:8010',
    capabilities: ['echo'],
    context_brief: 'A test agent for the public channel',
    version: '1.0.0',
    owner: 'Tests',
    public_key: 'k'.repeat(40),
    metadata: { env: 'test' },
    communication_mode: 'remote',
    status,
    registered_at: last,
    last_seen: last,
    metrics: {
      agent_id: id,
      success_rate: 0,
      avg_response_time: 0,
      total_requests: 0,
      last_active: last,
      reputation_score: 0,
      requests_processed: 0,
      average_response_time: 0,
      error_rate: 0,
    },
  });
}

function setup(agents: StoredAgent[]) {
  // The directory reader hands out agents with their effective status already applied.
  const evaluated = agents.map((a) => ({ ...a, status: effectiveStatus(a, NOW, 60_000) }));
  const view = createPublicView({ all: () => evaluated, version: 0, freshness: 0 }, () => NOW);
  const bad: string[] = [];
  let syncs = 0;
  const channel = createPublicChannel({ view, sync: async () => void syncs++, limits, now: () => NOW, badFrame: (r) => bad.push(r) });
  const conn = createFakeConnection('public');
  channel.onOpen(conn);
  return { channel, conn, bad, syncs: () => syncs };
}

describe('public channel handlers', () => {
  it('sends the constant welcome frame first and subscribes to the broadcast topics', () => {
    const { conn } = setup([]);
    expect(conn.json()[0]).toEqual(WELCOME_FRAME);
    expect(conn.sends).toEqual([{ isBinary: false, type: 'welcome' }]);
    expect([...conn.topics].sort()).toEqual(['public/agents', 'public/stats']);
  });

  it('declares its path, ping styles and limits', () => {
    expect(setup([]).channel).toMatchObject({ name: 'public', path: '/public/ws', limits, textPing: 'trim-lower', jsonPing: true });
  });

  it('answers get_discovery from the view with the reference pagination', async () => {
    const agents = [
      agent('ag1', 'testing', 'alive'),
      agent('ag2', 'security', 'alive'),
      agent('ag3', 'testing', 'dead'),
      agent('ag4', 'testing', 'alive', 120),
    ];
    const { channel, conn, syncs } = setup(agents);
    await channel.onMessage(conn, JSON.stringify({ type: 'get_discovery', page: 1, page_size: 1, agent_type: 'testing' }));
    // The page is built after the read-your-writes barrier.
    expect(syncs()).toBe(1);
    const frame = conn.json()[1] as {
      type: string;
      timestamp: number;
      data: { agents: Array<{ agent_id: string }>; pagination: unknown; filters: unknown };
    };
    expect(frame.type).toBe('discovery_data');
    expect(conn.sends[1]).toEqual({ isBinary: false, type: 'discovery_data' });
    expect(frame.timestamp).toBe(NOW / 1000);
    // ag3 is stored dead, ag4 timed out: only ag1 is alive and of type testing.
    expect(frame.data.agents.map((a) => a.agent_id)).toEqual(['ag1']);
    expect(frame.data.pagination).toEqual({
      current_page: 1,
      page_size: 1,
      total_agents: 1,
      total_pages: 1,
      has_next: false,
      has_previous: false,
      next_page: null,
      previous_page: null,
    });
    expect(frame.data.filters).toEqual({ agent_type: 'testing' });
  });

  it('leaves a JSON ping to the engine: nothing is sent and no page is built', async () => {
    const { channel, conn, bad, syncs } = setup([]);
    await channel.onMessage(conn, '{"type":"ping"}');
    expect(conn.sent).toHaveLength(1);
    expect(syncs()).toBe(0);
    expect(bad).toEqual([]);
  });

  it.each([
    ['not json', 'Invalid JSON format', 'invalid_json'],
    ['[1,2]', 'Message must be a JSON object', 'not_object'],
    ['{"type":"subscribe"}', 'Unknown message type: subscribe', 'unknown_type'],
    ['{"foo":1}', 'Unknown message type: None', 'unknown_type'],
    ['{"type":"get_discovery","page":"abc"}', 'Failed to get discovery data', 'invalid'],
  ])('answers %s with an error frame', async (text, message, reason) => {
    const { channel, conn, bad } = setup([]);
    await channel.onMessage(conn, text);
    expect(conn.json()[1]).toEqual({ type: 'error', message });
    expect(conn.sends.slice(1)).toEqual([{ isBinary: false, type: 'error' }]);
    expect(conn.isOpen).toBe(true);
    expect(bad).toEqual([reason]);
  });
});
