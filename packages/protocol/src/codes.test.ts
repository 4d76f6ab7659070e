import { clampCloseReason, CloseCodes, isReconnectCode } from './codes';
import { ErrorCodes, problem, problemFor, problemType } from './problems';

describe('close codes', () => {
  it('keeps the contract-fixed dashboard codes', () => {
    expect([CloseCodes.DASHBOARD_MALFORMED, CloseCodes.DASHBOARD_UNAUTHORIZED, CloseCodes.DASHBOARD_FORBIDDEN]).toEqual([4000, 4001, 4003]);
  });

  it('tells reconnect codes from terminal ones', () => {
    for (const code of [1001, 1006, 1011, 1012, 1013, 4200, 4201, 4299]) expect(isReconnectCode(code)).toBe(true);
    for (const code of [1000, 1008, 1009, 4000, 4001, 4003, 4008, 4009, 4300]) expect(isReconnectCode(code)).toBe(false);
  });

  it('has no duplicate values', () => {
    const values = Object.values(CloseCodes);
    expect(new Set(values).size).toBe(values.length);
  });

  it('clamps close reasons to 123 bytes without splitting characters', () => {
    expect(clampCloseReason('short')).toBe('short');
    const clamped = clampCloseReason('é'.repeat(100));
    expect(Buffer.byteLength(clamped)).toBe(122);
    expect(clamped).toBe('é'.repeat(61));
  });

  it('keeps a close reason of exactly 123 bytes and cuts a longer one at 123', () => {
    expect(clampCloseReason('a'.repeat(123))).toBe('a'.repeat(123));
    expect(clampCloseReason('a'.repeat(124))).toBe('a'.repeat(123));
    expect(clampCloseReason(`${'a'.repeat(121)}é`)).toBe(`${'a'.repeat(121)}é`);
  });
});

describe('problem', () => {
  it('builds an RFC 9457 body with the reference type URL and a Z timestamp', () => {
    const body = problem(404, 'agent-not-found', 'Agent Not Found', 'Agent a1 not found', '/agents/a1');
    expect(body).toMatchObject({
      type: 'https://arcp.0x001.tech/docs/problems/agent-not-found',
      title: 'Agent Not Found',
      status: 404,
      detail: 'Agent a1 not found',
      instance: '/agents/a1',
    });
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(Object.keys(body)).toEqual(['type', 'title', 'status', 'detail', 'instance', 'timestamp']);
  });

  it('keeps extension values typed and refuses to let them shadow standard members', () => {
    const body = problemFor('rate-limit-exceeded', 'Too many', '/auth/login', { retry_after: 60, status: 200, attempt_type: 'login' });
    expect(body.retry_after).toBe(60);
    expect(body.status).toBe(429);
    expect(body.attempt_type).toBe('login');
  });

  it('maps every slug to a URL and a default status', () => {
    expect(problemType('validation-failed')).toBe('https://arcp.0x001.tech/docs/problems/validation-failed');
    expect(ErrorCodes['validation-failed'].status).toBe(422);
    expect(ErrorCodes['tpr-disabled'].status).toBe(503);
    expect(ErrorCodes['not-implemented'].status).toBe(501);
  });
});
