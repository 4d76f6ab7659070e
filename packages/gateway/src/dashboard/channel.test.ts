import { AuthError, type VerifiedToken } from '@arcp/auth';
import { createFakeConnection } from '@arcp/ws-engine/testing';
import { DashboardCommandSchema } from '@arcp/protocol';
import { createDashboardChannel } from './channel';

const limits = {
  maxConnections: 5,
  maxPayloadBytes: 4096,
  idleTimeoutS: 0,
  maxBackpressureBytes: 65536,
  messageRate: { burst: 10, perSecond: 10 },
};
const token = (kind: 'admin' | 'agent') =>
  ({
    kind,
    claims: { sub: 'root', agent_id: 'user_root', role: kind, scopes: [], iat: 1, exp: 2, jti: 'j' },
    validUntilMs: 7000,
  }) as unknown as VerifiedToken;
const frame = (type: string, data: unknown = {}) => ({ type, timestamp: '2026-01-01T00:00:00.000000Z', data });

const AGENTS = Buffer.from(JSON.stringify(frame('agents', { agents: [], total_count: 0 })));
/** How frames were sent: all text here, each labelled with its type for the sent-messages metric. */
const asText = (...types: string[]) => types.map((type) => ({ isBinary: false, type }));

function setup(opts: { relayFails?: boolean; agentsFail?: boolean; snapshotGate?: Promise<void> } = {}) {
  const relayed: Array<{ command: string; data: unknown }> = [];
  const logs: string[] = [];
  const bad: string[] = [];
  const deps: Parameters<typeof createDashboardChannel>[0] = {
    limits,
    verify: async (t) => {
      if (t === 'admin') return token('admin');
      if (t === 'agent') return token('agent');
      throw new AuthError('bad_signature', 'sig');
    },
    authenticatedCount: () => 1,
    relay: async (command, data) => {
      relayed.push({ command, data });
      if (opts.relayFails) throw new Error('no responders');
      if (command === 'snapshot') {
        await opts.snapshotGate;
        return [frame('monitoring'), frame('health'), frame('logs')];
      }
      if (command === 'refresh_request')
        return [
          frame('monitoring'),
          frame('health'),
          frame('logs'),
          frame('refresh_ack', { status: 'completed', message: 'Fresh data sent' }),
        ];
      return [];
    },
    agentsFrame: async () => {
      if (opts.agentsFail) throw new Error('directory stopped');
      return AGENTS;
    },
    fallbackBurst: (reason, agents) => [
      Buffer.from(JSON.stringify(frame('monitoring', { stale: true }))),
      ...(agents ? [agents] : []),
      Buffer.from(JSON.stringify(frame('alert', { reason }))),
    ],
    log: (level, message) => logs.push(`${level} ${message}`),
    badFrame: (r) => bad.push(r),
  };
  return { channel: createDashboardChannel(deps), deps, relayed, logs, bad };
}

describe('dashboard handshake', () => {
  it.each([
    ['not json', 4000, 'Auth frame is not valid JSON'],
    ['[]', 4000, 'Auth frame must be a JSON object'],
    ['{"type":"ping"}', 4001, 'Auth frame required'],
    ['{"type":"auth"}', 4001, 'Authentication token required'],
    ['{"type":"auth","token":"forged"}', 4001, 'Invalid token'],
    ['{"type":"auth","token":"agent"}', 4003, 'Admin role required'],
  ])('%s closes %i "%s" without a frame', async (text, code, reason) => {
    const r = await setup().channel.auth!.onFirstMessage(createFakeConnection('dashboard'), text);
    expect(r).toEqual({ ok: false, code, reason });
  });

  it('accepts an admin token and sends the snapshot burst after logging the connection', async () => {
    const { channel, logs } = setup();
    const conn = createFakeConnection('dashboard');
    const r = await channel.auth!.onFirstMessage(conn, '{"type":"auth","token":"admin","fingerprint":"x"}');
    expect(r).toMatchObject({ ok: true, expiresAtMs: 7000 });
    await channel.onOpen(conn);
    expect(conn.json().map((f) => (f as { type: string }).type)).toEqual(['monitoring', 'health', 'agents', 'logs']);
    expect(conn.sends).toEqual(asText('monitoring', 'health', 'agents', 'logs'));
    expect(logs).toEqual(['INFO New dashboard connection established (1 total)']);
    expect([...conn.topics].sort()).toEqual(['dashboard/always', 'dashboard/pausable']);
  });
});

describe('dashboard channel definition', () => {
  it('declares its path, exact text pings, JSON pings, limits and the auth deadline close', () => {
    const { channel } = setup();
    expect(channel).toMatchObject({ name: 'dashboard', path: '/dashboard/ws', limits, textPing: 'exact', jsonPing: true });
    expect(channel.auth).toMatchObject({ timeoutCloseCode: 4000, timeoutReason: 'Authentication timeout' });
  });

  it('closes 4003 when the verifier refuses the token for its role', async () => {
    const channel = createDashboardChannel({
      ...setup().deps,
      verify: async () => {
        throw new AuthError('wrong_role', 'role');
      },
    });
    const r = await channel.auth!.onFirstMessage(createFakeConnection('dashboard'), '{"type":"auth","token":"t"}');
    expect(r).toEqual({ ok: false, code: 4003, reason: 'Admin role required' });
  });
});

describe('dashboard burst while the snapshot is slow', () => {
  it('takes broadcasts only after the burst, and a pause sent meanwhile holds', async () => {
    let release!: () => void;
    const { channel } = setup({ snapshotGate: new Promise<void>((r) => (release = r)) });
    const conn = createFakeConnection('dashboard');
    const opening = channel.onOpen(conn);
    await new Promise((r) => setImmediate(r));
    // Nothing is subscribed while the snapshot is in flight, so no periodic frame can come first.
    expect(conn.topics.size).toBe(0);
    await channel.onMessage(conn, '{"type":"pause_monitoring"}');
    release();
    await opening;
    // The pause is acknowledged at once; the burst follows in the reference's order.
    expect(conn.json().map((f) => (f as { type: string }).type)).toEqual(['pause_ack', 'monitoring', 'health', 'agents', 'logs']);
    expect([...conn.topics]).toEqual(['dashboard/always']);
  });
});

describe('dashboard commands', () => {
  async function opened(opts?: { relayFails?: boolean; agentsFail?: boolean }) {
    const s = setup(opts);
    const conn = createFakeConnection('dashboard');
    await s.channel.onOpen(conn);
    conn.sent.length = 0;
    conn.sends.length = 0;
    return { ...s, conn };
  }

  it('pause stops monitoring topics but keeps agents/logs, resume sends fresh monitoring+health then the ack', async () => {
    const { channel, conn, logs } = await opened();
    await channel.onMessage(conn, '{"type":"pause_monitoring"}');
    expect(conn.topics.has('dashboard/pausable')).toBe(false);
    expect(conn.topics.has('dashboard/always')).toBe(true);
    expect(conn.json()).toEqual([expect.objectContaining({ type: 'pause_ack', data: { status: 'paused' } })]);
    expect(conn.sends).toEqual(asText('pause_ack'));
    conn.sent.length = 0;
    conn.sends.length = 0;
    await channel.onMessage(conn, '{"type":"resume_monitoring"}');
    expect(conn.json().map((f) => (f as { type: string }).type)).toEqual(['monitoring', 'health', 'resume_ack']);
    expect(conn.sends).toEqual(asText('monitoring', 'health', 'resume_ack'));
    expect(conn.json()[2]).toMatchObject({ data: { status: 'resumed' } });
    expect(conn.topics.has('dashboard/pausable')).toBe(true);
    expect(logs).toContain('WARN Dashboard monitoring paused');
    expect(logs).toContain('INFO Dashboard monitoring resumed');
  });

  it('resumes even when fresh monitoring cannot be had: an error frame saying why, then the ack', async () => {
    const { channel, conn } = await opened({ relayFails: true });
    await channel.onMessage(conn, '{"type":"pause_monitoring"}');
    conn.sent.length = 0;
    conn.sends.length = 0;
    await channel.onMessage(conn, '{"type":"resume_monitoring"}');
    expect(conn.json()).toEqual([
      expect.objectContaining({ type: 'error', message: 'Fresh monitoring data unavailable: no responders' }),
      expect.objectContaining({ type: 'resume_ack', data: { status: 'resumed' } }),
    ]);
    expect(conn.sends).toEqual(asText('error', 'resume_ack'));
    expect(conn.topics.has('dashboard/pausable')).toBe(true);
  });

  it('relays refresh_request and sends the reply frames in order, with its own agents frame after health', async () => {
    const { channel, conn, relayed } = await opened();
    await channel.onMessage(conn, '{"type":"refresh_request"}');
    expect(relayed.at(-1)).toEqual({ command: 'refresh_request', data: undefined });
    expect(conn.json().map((f) => (f as { type: string }).type)).toEqual(['monitoring', 'health', 'agents', 'logs', 'refresh_ack']);
    expect(conn.sends).toEqual(asText('monitoring', 'health', 'agents', 'logs', 'refresh_ack'));
  });

  it('answers agents_request itself, without the metrics service', async () => {
    const { channel, conn, relayed } = await opened({ relayFails: true });
    const before = relayed.length;
    await channel.onMessage(conn, '{"type":"agents_request"}');
    expect(relayed).toHaveLength(before);
    expect(conn.json()).toEqual([
      JSON.parse(AGENTS.toString()),
      expect.objectContaining({ type: 'agents_ack', data: { status: 'completed', message: 'Agents data sent' } }),
    ]);
    expect(conn.sends).toEqual(asText('agents', 'agents_ack'));
  });

  it('relays dashboard_log with its validated data', async () => {
    const { channel, conn, relayed } = await opened();
    await channel.onMessage(
      conn,
      JSON.stringify({ type: 'dashboard_log', data: { level: 'success', message: ' hi ', timestamp: '2025-01-07T10:30:00Z' } }),
    );
    expect(relayed.at(-1)).toEqual({ command: 'dashboard_log', data: { level: 'SUCS', message: 'hi', timestamp: '2025-01-07T10:30:00Z' } });
  });

  it('answers an error ack when the metrics service is unreachable', async () => {
    const { channel, conn } = await opened({ relayFails: true });
    await channel.onMessage(conn, '{"type":"clear_logs"}');
    expect(conn.json()).toEqual([
      expect.objectContaining({ type: 'clear_logs_ack', data: { status: 'error', message: 'Failed to clear logs: no responders' } }),
    ]);
    expect(conn.sends).toEqual(asText('clear_logs_ack'));
  });

  it('ignores unknown types; answers invalid command data, non-object JSON and non-JSON with error frames; counts all', async () => {
    const { channel, conn, bad } = await opened();
    await channel.onMessage(conn, '{"type":"subscribe"}');
    await channel.onMessage(conn, '{"type":"dashboard_log","data":{"level":"LOUD","message":"x","timestamp":"now"}}');
    await channel.onMessage(conn, '42');
    await channel.onMessage(conn, '{oops');
    expect(conn.json()).toEqual([
      { type: 'error', message: expect.stringMatching(/^Invalid dashboard_log: .*level/) },
      { type: 'error', message: 'Message must be a JSON object' },
      { type: 'error', message: 'Invalid JSON format' },
    ]);
    expect(conn.sends).toEqual(asText('error', 'error', 'error'));
    expect(bad).toEqual(['unknown_type', 'invalid', 'not_object', 'invalid_json']);
    expect(conn.isOpen).toBe(true);
  });

  const LOG = { type: 'dashboard_log', data: { level: 'INFO', message: 'hi', timestamp: '2025-01-07T10:30:00Z' } };
  const ALERT = { type: 'dashboard_alert', data: { message: 'disk', severity: 'warning' } };
  const EVERY_COMMAND: Array<[string, object, object]> = [
    ['pause_monitoring', { type: 'pause_monitoring' }, { type: 'pause_ack', data: { status: 'paused' } }],
    ['resume_monitoring', { type: 'resume_monitoring' }, { type: 'resume_ack', data: { status: 'resumed' } }],
    [
      'refresh_request',
      { type: 'refresh_request' },
      { type: 'refresh_ack', data: { status: 'error', message: 'Refresh failed: no responders' } },
    ],
    [
      'agents_request',
      { type: 'agents_request' },
      { type: 'agents_ack', data: { status: 'error', message: 'Failed to send agents data: directory stopped' } },
    ],
    [
      'clear_logs',
      { type: 'clear_logs' },
      { type: 'clear_logs_ack', data: { status: 'error', message: 'Failed to clear logs: no responders' } },
    ],
    [
      'clear_alerts',
      { type: 'clear_alerts' },
      { type: 'clear_alerts_ack', data: { status: 'error', message: 'Failed to clear alerts: no responders' } },
    ],
    ['dashboard_log', LOG, { type: 'error', message: 'dashboard_log failed: no responders' }],
    ['dashboard_alert', ALERT, { type: 'error', message: 'dashboard_alert failed: no responders' }],
  ];

  it.each(EVERY_COMMAND)('%s is answered with its ack or an error frame when the metrics service fails', async (_name, command, answer) => {
    const { channel, conn } = await opened({ relayFails: true, agentsFail: true });
    await channel.onMessage(conn, JSON.stringify(command));
    expect(conn.json()).toContainEqual(expect.objectContaining(answer));
    expect(conn.sends.at(-1)).toEqual({ isBinary: false, type: (answer as { type: string }).type });
  });

  it('a dashboard whose snapshot fails gets the fallback burst with current agents instead of nothing, and stays open', async () => {
    const { channel } = setup({ relayFails: true });
    const conn = createFakeConnection('dashboard');
    await channel.onOpen(conn);
    expect(conn.sent.map((f) => JSON.parse(f.toString()) as unknown)).toEqual([
      frame('monitoring', { stale: true }),
      JSON.parse(AGENTS.toString()),
      frame('alert', { reason: 'no responders' }),
    ]);
    expect(conn.sends).toEqual(asText('fallback', 'fallback', 'fallback'));
    expect(conn.isOpen).toBe(true);
  });

  it('every command the protocol defines has a case above', () => {
    const covered = new Set(EVERY_COMMAND.map(([name]) => name));
    const defined = DashboardCommandSchema.options.map((o) => o.shape.type.value).filter((t) => t !== 'ping');
    expect(defined.filter((t) => !covered.has(t))).toEqual([]);
  });

  it('logs "Manual refresh requested" nowhere on the gateway (the metrics service logs it once)', async () => {
    const { channel, conn, logs } = await opened();
    await channel.onMessage(conn, '{"type":"refresh_request"}');
    expect(logs.filter((l) => l.includes('Manual refresh requested'))).toEqual([]);
  });
});
