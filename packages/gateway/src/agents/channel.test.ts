import { AuthError, type VerifiedToken } from '@arcp/auth';
import { createFakeConnection } from '@arcp/ws-engine/testing';
import { createAgentsChannel } from './channel';

const limits = {
  maxConnections: 10,
  maxPayloadBytes: 4096,
  idleTimeoutS: 0,
  maxBackpressureBytes: 65536,
  messageRate: { burst: 10, perSecond: 10 },
};
const principal = {
  kind: 'agent',
  claims: { sub: 'a1', agent_id: 'a1', role: 'agent', scopes: [], iat: 1, exp: 2, jti: 'j' },
  validUntilMs: 7000,
} as unknown as VerifiedToken;

const events: string[] = [];
function setup(verify: (t: string) => Promise<VerifiedToken>) {
  events.length = 0;
  return createAgentsChannel({
    limits,
    verify: async (t) => {
      const v = await verify(t);
      events.push('verified');
      return v;
    },
    sync: async () => void events.push('synced'),
    currentList: () => '[{"agent_id":"a1"}]',
    badFrame: (r) => events.push(`bad ${r}`),
  });
}

describe('agents channel handshake', () => {
  it('greets with auth_required', () => {
    const conn = createFakeConnection('agents');
    setup(async () => principal).auth!.onOpen!(conn);
    expect(conn.json()).toEqual([{ type: 'auth_required', message: 'Send your authentication token' }]);
    expect(conn.sends).toEqual([{ isBinary: false, type: 'auth_required' }]);
  });

  it('declares its path, ping styles, limits and auth deadline close', () => {
    const channel = setup(async () => principal);
    expect(channel).toMatchObject({ name: 'agents', path: '/agents/ws', limits, textPing: 'trim-lower', jsonPing: true });
    expect(channel.auth).toMatchObject({ timeoutCloseCode: 1008, timeoutReason: 'Authentication timeout' });
  });

  it('accepts a valid token and then sends auth_success before the bare list', async () => {
    const channel = setup(async (t) => (t === 'good' ? principal : Promise.reject(new AuthError('bad_signature', 'x'))));
    const conn = createFakeConnection('agents');
    const result = await channel.auth!.onFirstMessage(conn, JSON.stringify({ token: 'good' }));
    expect(result).toEqual({ ok: true, principal, expiresAtMs: principal.validUntilMs });
    // The directory is brought up to date before auth succeeds (read-your-writes).
    expect(events).toEqual(['verified', 'synced']);
    channel.onOpen(conn);
    expect(conn.json()).toEqual([{ type: 'auth_success', message: 'Authentication successful' }, [{ agent_id: 'a1' }]]);
    expect(conn.sends).toEqual([
      { isBinary: false, type: 'auth_success' },
      { isBinary: false, type: 'agent_list' },
    ]);
    expect(conn.topics.has('agents/list')).toBe(true);
  });

  it.each([
    ['ping', 'Invalid JSON', 'Invalid JSON'],
    ['[1]', 'Authentication failed', 'Authentication failed'],
    ['{"type":"ping"}', 'Token required', 'Authentication required'],
    ['{"token":""}', 'Token required', 'Authentication required'],
    ['{"token":42}', 'Invalid token', 'Invalid token'],
    ['{"token":"forged"}', 'Invalid token', 'Invalid token'],
    ['{"token":"user-role"}', 'Insufficient permissions', 'Insufficient permissions'],
  ])('rejects %s with auth_error "%s" and close 1008 "%s"', async (text, message, reason) => {
    const channel = setup(async (t) => {
      throw t === 'user-role' ? new AuthError('wrong_role', 'role') : new AuthError('bad_signature', 'sig');
    });
    const result = await channel.auth!.onFirstMessage(createFakeConnection('agents'), text);
    expect(result).toEqual({ ok: false, code: 1008, reason, frame: JSON.stringify({ type: 'auth_error', message }) });
  });

  it('treats a temp-token refusal and a revoked token as invalid tokens', async () => {
    for (const reason of ['temp_not_allowed', 'revoked', 'expired'] as const) {
      const channel = setup(async () => Promise.reject(new AuthError(reason, reason)));
      const r = await channel.auth!.onFirstMessage(createFakeConnection('agents'), '{"token":"t"}');
      expect(r).toMatchObject({ ok: false, reason: 'Invalid token' });
    }
  });
});

describe('agents channel after auth', () => {
  it('ignores JSON objects, as the reference does', () => {
    const channel = setup(async () => principal);
    const conn = createFakeConnection('agents');
    void channel.onMessage(conn, '{"type":"hello"}');
    expect(conn.sent).toEqual([]);
    expect(events).toEqual([]);
  });

  it.each([
    ['not json', 'invalid_json', 'Invalid JSON format'],
    ['[1,2]', 'not_object', 'Message must be a JSON object'],
    ['"text"', 'not_object', 'Message must be a JSON object'],
  ])('answers %s with an error frame and counts it', (text, reason, message) => {
    const channel = setup(async () => principal);
    const conn = createFakeConnection('agents');
    void channel.onMessage(conn, text);
    expect(conn.json()).toEqual([{ type: 'error', message }]);
    expect(conn.sends).toEqual([{ isBinary: false, type: 'error' }]);
    expect(events).toEqual([`bad ${reason}`]);
    expect(conn.closed).toBeUndefined();
  });
});
