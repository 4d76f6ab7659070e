import { HTTP_API } from '@arcp/protocol';
import { ADMIN_PASSWORD, AGENT_KEY, adminToken, registerAgent, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ RATE_LIMIT_BURST: '3', LOGIN_LOCKOUT_S: '300' });
});
afterEach(async () => {
  await h.registry.stop();
});

const login = { username: 'ARCP', password: ADMIN_PASSWORD };
const tempRequest = (key: string) => ({ agent_id: 'hard-1', agent_type: 'security', agent_key: key });

describe('JSON endpoints require a JSON media type', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['no content type', undefined],
  ])('answers 415 problem+json for %s, before looking at the credentials', async (_name, type) => {
    const res = await h.call('POST', '/auth/login', {
      raw: JSON.stringify(login),
      headers: type === undefined ? { 'content-type': '' } : { 'content-type': type },
    });
    expect(res.status).toBe(415);
    expect(res.headers?.['content-type']).toBe('application/problem+json');
    expect(res.json).toMatchObject({ status: 415, type: expect.stringMatching(/unsupported-media-type$/), instance: '/auth/login' });
    expect(res.json['detail']).toMatch(/^Content-Type must be application\/json/);
    expect(res.json['access_token']).toBeUndefined();
  });

  it('refuses a text/plain body on every route of the API that reads JSON', async () => {
    const admin = await adminToken(h);
    await registerAgent(h, 'hard-1');
    const jsonRoutes = HTTP_API.filter((r) => r.body !== undefined);
    expect(jsonRoutes.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/auth/login', '/agents/register', '/public/search', '/agents/:agent_id/metrics']),
    );
    for (const route of jsonRoutes) {
      const path = route.path.replace(':agent_id', 'hard-1');
      const res = await h.call(route.method as 'POST', path, {
        raw: '{}',
        token: admin,
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
      });
      expect([path, res.status]).toEqual([path, 415]);
    }
  });

  it('accepts application/json with parameters and structured +json types', async () => {
    const plain = await h.call('POST', '/auth/login', {
      raw: JSON.stringify(login),
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    });
    expect(plain.status).toBe(200);
    const structured = await h.call('POST', '/public/search', {
      raw: JSON.stringify({ query: 'scan' }),
      headers: { 'content-type': 'application/vnd.arcp+json' },
    });
    expect(structured.status).toBe(200);
  });
});

describe('failed admin logins and bad agent keys are counted apart', () => {
  const ip = '10.9.9.9';
  const badKey = () => h.call('POST', '/auth/agent/request_temp_token', { body: tempRequest('not-the-right-key-000'), ip });
  const badLogin = () => h.call('POST', '/auth/login', { body: { ...login, password: 'wrong' }, ip });

  it('an address locked out for bad agent keys can still sign in as admin', async () => {
    for (let i = 0; i < 3; i++) {
      if (i > 0) h.clock.advance(61_000);
      expect((await badKey()).status).toBe(401);
    }
    const locked = await h.call('POST', '/auth/agent/request_temp_token', { body: tempRequest(AGENT_KEY), ip });
    expect(locked.status).toBe(429);
    expect(locked.headers?.['retry-after']).toBe('300');
    expect((await h.call('POST', '/auth/login', { body: login, ip })).status).toBe(200);
  });

  it('an address locked out of the admin login can still request agent tokens', async () => {
    for (let i = 0; i < 3; i++) {
      if (i > 0) h.clock.advance(61_000);
      expect((await badLogin()).status).toBe(401);
    }
    expect((await h.call('POST', '/auth/login', { body: login, ip })).status).toBe(429);
    expect((await h.call('POST', '/auth/agent/request_temp_token', { body: tempRequest(AGENT_KEY), ip })).status).toBe(200);
  });
});

describe('audit lines', () => {
  const audits = () => h.logs.filter((l) => typeof l['audit'] === 'string');

  it('writes one line per failed login and one per lockout, without the secret', async () => {
    for (let i = 0; i < 3; i++) {
      if (i > 0) h.clock.advance(61_000);
      await h.call('POST', '/auth/login', { body: { username: 'ARCP', password: 'hunter2-wrong' }, ip: '10.8.8.8' });
    }
    await h.call('POST', '/auth/agent/request_temp_token', { body: tempRequest('not-the-right-key-000'), ip: '10.8.8.9' });
    expect(audits().map((l) => [l['audit'], l['reason'], l['client_ip']])).toEqual([
      ['login_failed', 'bad_password', '10.8.8.8'],
      ['login_failed', 'bad_password', '10.8.8.8'],
      ['login_failed', 'bad_password', '10.8.8.8'],
      ['lockout', 'admin_login', '10.8.8.8'],
      ['login_failed', 'bad_agent_key', '10.8.8.9'],
    ]);
    expect(audits()[3]).toMatchObject({ retry_after_s: 300, endpoint: '/auth/login', level: 40 });
    expect(audits()[4]).toMatchObject({ agent_id: 'hard-1', endpoint: '/auth/agent/request_temp_token' });
    const text = JSON.stringify(h.logs);
    expect(text).not.toContain('hunter2-wrong');
    expect(text).not.toContain('not-the-right-key-000');
  });

  it('writes one line per rejected token, naming the reason and never the token', async () => {
    const admin = await adminToken(h);
    await h.call('POST', '/auth/logout', { token: admin });
    await h.call('GET', '/agents', { token: admin, ip: '10.7.0.1' });
    await h.call('GET', '/tokens/validate', { token: 'not.a.jwt', ip: '10.7.0.2' });
    await h.call('GET', '/agents', { ip: '10.7.0.3' }); // no token at all: nothing to audit
    expect(audits().map((l) => [l['audit'], l['reason'], l['client_ip'], l['endpoint']])).toEqual([
      ['token_rejected', 'revoked', '10.7.0.1', '/agents'],
      ['token_rejected', 'malformed', '10.7.0.2', '/tokens/validate'],
    ]);
    expect(JSON.stringify(h.logs)).not.toContain(admin);
  });
});
