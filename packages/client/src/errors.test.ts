import { ArcpAuthError, ArcpError, ArcpHttpError, ArcpTokenExpiredError, isTransient } from './errors';

describe('isTransient', () => {
  it('retries server errors, throttling and network failures, not refusals or expired tokens', () => {
    const http = (status: number) => new ArcpHttpError(status, undefined, undefined, 'POST', '/auth/login');
    expect([500, 502, 503, 429, 408].map((s) => isTransient(http(s)))).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 422].map((s) => isTransient(http(s)))).toEqual([false, false, false, false, false]);
    expect(isTransient(new ArcpError('POST /auth/login: connect ECONNREFUSED'))).toBe(true);
    expect(isTransient(new ArcpTokenExpiredError(new Date(0)))).toBe(false);
    expect(isTransient(new ArcpAuthError(4001, 'Invalid token'))).toBe(false);
    expect(isTransient(new TypeError('bug'))).toBe(false);
  });

  it('reads the problem slug of an HTTP error', () => {
    const err = new ArcpHttpError(
      404,
      {
        type: 'https://arcp.0x001.tech/docs/problems/agent-not-found',
        title: 'Agent Not Found',
        status: 404,
        detail: 'Agent a not found',
        instance: '/agents/a',
      },
      undefined,
      'GET',
      '/agents/a',
    );
    expect(err.slug).toBe('agent-not-found');
    expect(err.message).toBe('GET /agents/a: 404 Agent a not found');
  });
});
