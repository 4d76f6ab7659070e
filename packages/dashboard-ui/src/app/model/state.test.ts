/**
 * The page's model without a browser: frames checked against the protocol schemas, folded into
 * the state (series, logs, alerts, agents, freshness), and the helpers the views use.
 */
import type { DashboardOutboundFrame } from '@arcp/protocol';
import { ALERT_CAP, mergeAlerts, severityCounts, toAlertItems } from './alerts';
import { ago, DEFAULT_QUERY, rowWindow, selectAgents, type Agent } from './agents';
import { checkFrame } from './frames';
import { filterLogs, LOG_CAP, mergeLogs } from './logs';
import { emptySeries, pushSample } from './series';
import { clearSession, isExpired, loadSession, newSession, saveSession, SESSION_KEY } from './session';
import { applyFrame, cadenceMs, EMPTY_STATE, freshness, recordInvalid } from './state';

const T0 = '2026-01-01T10:00:00.000000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString().replace('Z', '000Z');

const monitoring = (ts: string, agentCount = 2) => ({
  type: 'monitoring',
  timestamp: ts,
  data: {
    total_requests: 10,
    avg_response_time: 0.25,
    error_rate: 0.1,
    agent_count: agentCount,
    resource_utilization: { cpu: 1, memory: 2, network: 3, storage: 0 },
    agent_metrics: [],
  },
});

function agent(id: string, patch: Partial<Agent> = {}): Agent {
  return {
    agent_id: id,
    name: `Agent ${id}`,
    agent_type: 'testing',
    endpoint: 'http://x',
    capabilities: ['analysis'],
    status: 'alive',
    last_seen: T0,
    ...patch,
  };
}

const agentsFrame = (ts: string, agents: Agent[]) => ({
  type: 'agents',
  timestamp: ts,
  data: {
    agents,
    total_count: agents.length,
    active_count: agents.filter((a) => a.status === 'alive').length,
    agent_types: { testing: agents.length },
    status_summary: { alive: agents.length, dead: 0 },
  },
});

const valid = (raw: unknown): DashboardOutboundFrame => {
  const r = checkFrame(raw);
  if (!r.ok) throw new Error(r.error);
  return r.frame;
};

describe('checkFrame', () => {
  it('accepts the frames the server sends', () => {
    expect(checkFrame(monitoring(T0)).ok).toBe(true);
    expect(checkFrame(agentsFrame(T0, [agent('a')])).ok).toBe(true);
    expect(checkFrame({ type: 'pause_ack', timestamp: T0, data: { status: 'paused' } }).ok).toBe(true);
  });

  it.each<[string, unknown]>([
    ['not an object', 'hello'],
    ['an unknown type', { type: 'surprise', timestamp: T0, data: {} }],
    ['a missing field', { type: 'monitoring', timestamp: T0, data: { total_requests: 1 } }],
    ['an extra field', { ...monitoring(T0), extra: 1 }],
    ['a zone-less timestamp', monitoring('2026-01-01T10:00:00')],
    ['an agent with a bad status', agentsFrame(T0, [agent('a', { status: 'zombie' as never })])],
  ])('refuses %s, saying why', (_name, raw) => {
    const r = checkFrame(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
  });

  it('counts refused frames in the state', () => {
    const s = recordInvalid(recordInvalid(EMPTY_STATE, 'monitoring', 'data: bad'), 'agents', 'x');
    expect(s.invalidFrames).toBe(2);
    expect(s.lastInvalid).toBe('agents: x');
  });
});

describe('applyFrame', () => {
  it('keeps monitoring, one series sample per frame, and the alive count from health', () => {
    let s = applyFrame(EMPTY_STATE, valid(agentsFrame(at(0), [agent('a'), agent('b', { status: 'dead' })])), 1000);
    s = applyFrame(s, valid(monitoring(at(0))), 1001);
    s = applyFrame(s, valid(monitoring(at(1), 3)), 2001);
    expect(s.monitoring?.agent_count).toBe(3);
    expect(s.monitoringAt).toBe(at(1));
    expect(s.series.t).toEqual([Date.parse(at(0)) / 1000, Date.parse(at(1)) / 1000]);
    expect(s.series.values.agents_total).toEqual([2, 3]);
    expect(s.series.values.agents_alive).toEqual([1, 1]);
    expect(s.series.values.response_ms).toEqual([250, 250]);
    expect(s.series.values.error_pct).toEqual([10, 10]);
    // A repeated round (refresh) adds no sample.
    expect(applyFrame(s, valid(monitoring(at(1))), 2002).series.t).toHaveLength(2);
  });

  it('replaces the agents and learns the period from their arrival', () => {
    let s = EMPTY_STATE;
    for (let i = 0; i < 4; i++) s = applyFrame(s, valid(agentsFrame(at(i), [agent(`a${i}`)])), 10_000 + i * 1000);
    expect(s.agents?.agents.map((a) => a.agent_id)).toEqual(['a3']);
    expect(cadenceMs(s)).toBe(1000);
    expect(freshness(s, 13_500)).toBe('live');
    expect(freshness(s, 13_000 + 3001)).toBe('stale');
    expect(freshness(EMPTY_STATE, 0)).toBe('waiting');
  });

  it('merges logs and clears them on an acknowledged clear_logs only', () => {
    const entry = (s: number, message: string) => ({ timestamp: at(s), level: 'INFO', message, source: 'registry' });
    let s = applyFrame(
      EMPTY_STATE,
      valid({ type: 'logs', timestamp: at(2), data: { logs: [entry(2, 'b'), entry(1, 'a')], count: 2, last_updated: at(2) } }),
      1,
    );
    s = applyFrame(
      s,
      valid({ type: 'logs', timestamp: at(3), data: { logs: [entry(3, 'c'), entry(2, 'b')], count: 2, last_updated: at(3) } }),
      2,
    );
    expect(s.logs.map((l) => l.message)).toEqual(['c', 'b', 'a']);
    const failed = applyFrame(s, valid({ type: 'clear_logs_ack', timestamp: at(4), data: { status: 'error', message: 'store down' } }), 3);
    expect(failed.logs).toHaveLength(3);
    const cleared = applyFrame(
      s,
      valid({ type: 'clear_logs_ack', timestamp: at(4), data: { status: 'completed', message: 'Backend logs cleared successfully' } }),
      3,
    );
    expect(cleared.logs).toEqual([]);
  });

  it('collects live and replayed alerts once each, and clears them on clear_alerts_ack', () => {
    const live = {
      type: 'alert',
      timestamp: at(5),
      data: { alerts: [{ severity: 'warning', message: 'No agents registered in the system', type: 'agent_connectivity', details: {} }] },
    };
    const replay = {
      type: 'alert',
      timestamp: at(6),
      data: { alerts: [{ id: 'x1', title: 'Performance', message: 'slow', severity: 'critical', type: 'performance', timestamp: at(1) }] },
    };
    let s = applyFrame(EMPTY_STATE, valid(live), 1);
    s = applyFrame(s, valid(replay), 2);
    s = applyFrame(s, valid(replay), 3);
    expect(s.alerts.map((a) => [a.severity, a.title])).toEqual([
      ['warning', 'Agent connectivity'],
      ['critical', 'Performance'],
    ]);
    expect(severityCounts(s.alerts)).toEqual([
      ['critical', 1],
      ['warning', 1],
    ]);
    expect(
      applyFrame(
        s,
        valid({
          type: 'clear_alerts_ack',
          timestamp: at(7),
          data: { status: 'completed', message: 'Backend alerts cleared successfully' },
        }),
        4,
      ).alerts,
    ).toEqual([]);
  });
});

describe('logs, alerts and series helpers', () => {
  it('bounds the log buffer and filters by level and text', () => {
    const many = Array.from({ length: LOG_CAP + 10 }, (_, i) => ({
      timestamp: at(i),
      level: i % 2 ? 'WARN' : 'INFO',
      message: `m${i}`,
      source: 'x',
    }));
    const merged = mergeLogs([], many);
    expect(merged).toHaveLength(LOG_CAP);
    expect(merged[0]!.message).toBe(`m${LOG_CAP + 9}`);
    expect(filterLogs(merged, new Set(['WARN']), '').every((l) => l.level === 'WARN')).toBe(true);
    expect(filterLogs(merged, new Set(['INFO', 'WARN']), 'm2000').map((l) => l.message)).toEqual(['m2000']);
  });

  it('bounds the alert list', () => {
    const items = toAlertItems(
      {
        alerts: Array.from({ length: ALERT_CAP + 5 }, (_, i) => ({ severity: 'info' as const, message: `m${i}`, type: 't', details: {} })),
      },
      T0,
    );
    expect(mergeAlerts([], items)).toHaveLength(ALERT_CAP);
  });

  it('keeps the last ten minutes of samples', () => {
    let set = emptySeries();
    const sample = { agents_total: 1, agents_alive: 1, requests: 1, response_ms: 1, error_pct: 1, cpu: 1, memory: 1, network: 1 };
    for (let t = 0; t <= 900; t += 60) set = pushSample(set, t, sample);
    expect(set.t[0]).toBe(300);
    expect(set.t[set.t.length - 1]).toBe(900);
    expect(set.values.cpu).toHaveLength(set.t.length);
  });
});

describe('agents table logic', () => {
  const agents = [
    agent('scanner-2', { agent_type: 'security', capabilities: ['vulnerability-scan'] }),
    agent('scanner-10', { agent_type: 'security', status: 'dead', last_seen: at(-60) }),
    agent('mon-1', { agent_type: 'monitoring', name: 'Uptime watcher' }),
  ];

  it('searches id, name, type and capabilities, filters by type and status, sorts naturally', () => {
    expect(selectAgents(agents, DEFAULT_QUERY).map((a) => a.agent_id)).toEqual(['mon-1', 'scanner-2', 'scanner-10']);
    expect(selectAgents(agents, { ...DEFAULT_QUERY, text: 'VULN' }).map((a) => a.agent_id)).toEqual(['scanner-2']);
    expect(selectAgents(agents, { ...DEFAULT_QUERY, text: 'uptime' }).map((a) => a.agent_id)).toEqual(['mon-1']);
    expect(selectAgents(agents, { ...DEFAULT_QUERY, type: 'security', status: 'dead' }).map((a) => a.agent_id)).toEqual(['scanner-10']);
    expect(selectAgents(agents, { ...DEFAULT_QUERY, sort: 'last_seen', descending: true }).map((a) => a.agent_id)[2]).toBe('scanner-10');
  });

  it('renders only the rows in view, whatever the table size', () => {
    expect(rowWindow(5000, 0, 576, 36)).toEqual({ start: 0, end: 32, padTop: 0, padBottom: (5000 - 32) * 36 });
    const mid = rowWindow(5000, 36 * 2500, 576, 36);
    expect(mid.end - mid.start).toBe(32);
    expect(mid.padTop + (mid.end - mid.start) * 36 + mid.padBottom).toBe(5000 * 36);
    const bottom = rowWindow(5000, 36 * 5000, 576, 36);
    expect(bottom.end).toBe(5000);
    expect(rowWindow(0, 500, 576, 36)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });

  it('says how long ago', () => {
    const now = Date.parse(T0);
    expect([ago(at(-5), now), ago(at(-300), now), ago(at(-7200), now), ago(at(-200_000), now), ago(at(5), now)]).toEqual([
      '5 s ago',
      '5 min ago',
      '2 h ago',
      '2 d ago',
      '0 s ago',
    ]);
  });
});

describe('session', () => {
  const jwt = (exp: number) => `x.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.y`;
  const store = () => {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
      m,
    };
  };

  it('round-trips through storage with the expiry read from the token', () => {
    const s = store();
    saveSession(s, newSession(jwt(2_000_000_000), 'admin'));
    const loaded = loadSession(s);
    expect(loaded).toEqual({ token: jwt(2_000_000_000), username: 'admin', expiresAt: 2_000_000_000_000 });
    expect(isExpired(loaded!, 1_999_999_999_999)).toBe(false);
    expect(isExpired(loaded!, 2_000_000_000_000)).toBe(true);
    clearSession(s);
    expect(loadSession(s)).toBeNull();
  });

  it.each(['not json', '{}', '{"token":"","username":"a"}', '{"token":1,"username":"a"}', 'null'])(
    'drops a stored value that is not a session: %s',
    (raw) => {
      const s = store();
      s.setItem(SESSION_KEY, raw);
      expect(loadSession(s)).toBeNull();
      expect(s.m.has(SESSION_KEY)).toBe(false);
    },
  );
});
