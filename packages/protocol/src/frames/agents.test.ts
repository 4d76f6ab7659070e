import { CloseCodes } from '../codes';
import { toWsAgent } from '../agent-views';
import { storedAgent } from '../test-support/agents';
import { AGENT_AUTH_CLOSE_CODE, AgentAuthFailures, AgentListSchema, AgentsOutboundSchema, authErrorFrame, parseAgentAuth } from './agents';
import { isJsonPing, textKeepAlive } from './common';

describe('parseAgentAuth', () => {
  it('accepts any JSON object with a string token, ignoring other keys', () => {
    expect(parseAgentAuth('{"token":"abc"}')).toEqual({ ok: true, token: 'abc' });
    expect(parseAgentAuth('{"type":"auth","token":"abc"}')).toEqual({ ok: true, token: 'abc' });
  });

  it.each([
    ['ping', 'invalid_json'],
    ['{bad', 'invalid_json'],
    ['[]', 'auth_failed'],
    ['42', 'auth_failed'],
    ['{}', 'token_required'],
    ['{"token":""}', 'token_required'],
    ['{"token":null}', 'token_required'],
    ['{"token":[]}', 'token_required'],
    ['{"token":0}', 'token_required'],
    ['{"type":"ping"}', 'token_required'],
    ['{"token":123}', 'invalid_token'],
    ['{"token":{"a":1}}', 'invalid_token'],
  ])('%s → %s', (text, failure) => {
    expect(parseAgentAuth(text)).toEqual({ ok: false, failure });
  });
});

describe('agent auth failures', () => {
  it('carry the reference messages and close reasons, all with 1008', () => {
    expect(AGENT_AUTH_CLOSE_CODE).toBe(CloseCodes.POLICY_VIOLATION);
    expect(authErrorFrame('token_required')).toEqual({ type: 'auth_error', message: 'Token required' });
    expect(AgentAuthFailures.token_required.reason).toBe('Authentication required');
    expect(authErrorFrame('insufficient_permissions')).toEqual({ type: 'auth_error', message: 'Insufficient permissions' });
    expect(authErrorFrame('timeout')).toBeUndefined();
    expect(AgentAuthFailures.timeout.reason).toBe('Authentication timeout');
  });
});

describe('agent list', () => {
  it('accepts the WebSocket view of stored agents, and an empty list', () => {
    expect(AgentListSchema.safeParse([toWsAgent(storedAgent(), 'dead')]).success).toBe(true);
    expect(AgentsOutboundSchema.safeParse([]).success).toBe(true);
  });

  it('rejects enveloped lists and unknown auth messages', () => {
    expect(AgentsOutboundSchema.safeParse({ type: 'agents', data: [] }).success).toBe(false);
    expect(AgentsOutboundSchema.safeParse({ type: 'auth_error', message: 'Nope' }).success).toBe(false);
  });
});

describe('keep-alives', () => {
  it('text ping/pong: trimmed and case-insensitive, or exact for the dashboard', () => {
    expect(textKeepAlive(' PING ')).toBe('ping');
    expect(textKeepAlive('Pong')).toBe('pong');
    expect(textKeepAlive(' PING ', true)).toBeNull();
    expect(textKeepAlive('ping', true)).toBe('ping');
    expect(textKeepAlive('hello')).toBeNull();
  });

  it('JSON ping is an object whose type is ping', () => {
    expect(isJsonPing({ type: 'ping', x: 1 })).toBe(true);
    expect(isJsonPing(['ping'])).toBe(false);
    expect(isJsonPing({ type: 'PING' })).toBe(false);
  });
});
