import { ADMIN_PASSWORD, adminToken, registerAgent, settle, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ RATE_LIMIT_BURST: '4', LOGIN_LOCKOUT_S: '300' });
});
afterEach(async () => {
  await h.registry.stop();
});

const badLogin = (ip = '10.1.1.1') => h.call('POST', '/auth/login', { body: { username: 'ARCP', password: 'wrong' }, ip });

describe('admin login', () => {
  it('issues an admin token that passes admin checks', async () => {
    const res = await h.call('POST', '/auth/login', { body: { username: 'ARCP', password: ADMIN_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'bearer', expires_in: 1800, agent_id: 'user_ARCP' });
    const v = await h.call('GET', '/tokens/validate', { token: res.json['access_token'] as string });
    expect(v.json).toMatchObject({ valid: true, agent_id: 'ARCP', payload: { role: 'admin', scopes: ['admin', 'agent_management'] } });
  });

  it('answers the reference texts for refused logins', async () => {
    const wrong = await badLogin();
    expect(wrong.status).toBe(401);
    expect(wrong.json['detail']).toBe('Authentication failed: Invalid admin credentials');
    const agent = await h.call('POST', '/auth/login', { body: { agent_id: 'a1', agent_type: 'security' }, ip: '10.2.2.2' });
    expect(agent.json['detail']).toBe(
      'Authentication failed: Direct agent login not allowed. Use agent registration flow with valid agent key',
    );
    const neither = await h.call('POST', '/auth/login', { body: {}, ip: '10.3.3.3' });
    expect(neither.json['detail']).toBe(
      'Authentication failed: Invalid credentials - provide either agent_id/agent_type or username/password',
    );
    expect((await h.call('POST', '/auth/login', { body: { username: 'ARCP', password: '' }, ip: '10.4.4.4' })).status).toBe(422);
  });

  it('backs off after two failures and locks out after the burst, per client', async () => {
    expect((await badLogin()).status).toBe(401);
    h.clock.advance(5_000);
    expect((await badLogin()).status).toBe(401);
    const early = await badLogin();
    expect(early.status).toBe(429);
    expect(early.headers?.['retry-after']).toBe('2');
    expect(early.json).toMatchObject({ attempt_type: 'login', retry_after: 2 });
    // Another client is not affected.
    expect((await h.call('POST', '/auth/login', { body: { username: 'ARCP', password: ADMIN_PASSWORD }, ip: '10.7.7.7' })).status).toBe(
      200,
    );
    h.clock.advance(3_000);
    expect((await badLogin()).status).toBe(401);
    h.clock.advance(5_000);
    expect((await badLogin()).status).toBe(401); // 4th failure: locked out
    const locked = await h.call('POST', '/auth/login', { body: { username: 'ARCP', password: ADMIN_PASSWORD }, ip: '10.1.1.1' });
    expect(locked.status).toBe(429);
    expect(locked.headers?.['retry-after']).toBe('300');
    h.clock.advance(300_000);
    expect((await h.call('POST', '/auth/login', { body: { username: 'ARCP', password: ADMIN_PASSWORD }, ip: '10.1.1.1' })).status).toBe(
      200,
    );
    await settle();
    expect(h.published.some((p) => p.body['event_type'] === 'lockout' && p.body['source'] === 'security')).toBe(true);
  });

  it('shares lockout state between replicas on one bus', async () => {
    const twin = await startHarness({ RATE_LIMIT_BURST: '4', INSTANCE_ID: 'test-2' }, { bus: h.bus, clock: h.clock });
    await badLogin('10.5.5.5');
    h.clock.advance(5_000);
    await badLogin('10.5.5.5');
    const res = await twin.call('POST', '/auth/login', { body: { username: 'ARCP', password: ADMIN_PASSWORD }, ip: '10.5.5.5' });
    expect(res.status).toBe(429);
    await twin.registry.stop();
  });

  it('logout revokes the admin token everywhere', async () => {
    const token = await adminToken(h);
    const out = await h.call('POST', '/auth/logout', { token });
    expect(out.json).toEqual({ status: 'success', message: 'Logged out and session PIN cleared' });
    const after = await h.call('GET', '/tokens/validate', { token });
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({ valid: false, error: 'Invalid token: Token has been revoked' });
    await settle();
    expect(h.published.find((p) => p.subject.endsWith('revoke.credential'))?.body).toMatchObject({ kind: 'admin', subject: 'ARCP' });
    const other = await adminToken(h);
    expect((await h.call('GET', '/tokens/validate', { token: other })).status).toBe(200);
  });

  it('refuses logout with an agent token', async () => {
    const agent = await registerAgent(h, 'lo-1');
    expect((await h.call('POST', '/auth/logout', { token: agent })).status).toBe(403);
  });
});

describe('token endpoints', () => {
  it('validate answers 401 problem with valid:false for missing and bad tokens', async () => {
    const none = await h.call('GET', '/tokens/validate');
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ valid: false, error: 'No token provided' });
    expect(none.headers?.['content-type']).toBe('application/problem+json');
    const bad = await h.call('GET', '/tokens/validate', { token: 'fewfwfewfewfew' });
    expect(bad.json).toMatchObject({ valid: false, error: 'Invalid token: Not a valid token' });
  });

  it('refresh issues a fresh token of the same identity and refuses temp tokens', async () => {
    const token = await registerAgent(h, 'rf-1');
    h.clock.advance(1000);
    const res = await h.call('POST', '/tokens/refresh', { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const v = await h.call('GET', '/tokens/validate', { token: res.json['access_token'] as string });
    expect(v.json).toMatchObject({ agent_id: 'rf-1', payload: { role: 'agent' } });
    const temp = await h.call('POST', '/auth/agent/request_temp_token', {
      body: { agent_id: 'rf-2', agent_type: 'security', agent_key: 'test-agent-key-456' },
    });
    const refused = await h.call('POST', '/tokens/refresh', { token: temp.json['temp_token'] as string });
    expect(refused.status).toBe(401);
    expect(refused.json['detail']).toBe('Token refresh failed: temporary registration tokens cannot be refreshed');
    expect((await h.call('POST', '/tokens/refresh')).json['type']).toMatch(/authentication-failed$/);
  });
});

describe('admin login edges', () => {
  it('counts a direct agent login and a login without credentials under their own reasons', async () => {
    await h.call('POST', '/auth/login', { body: { agent_id: 'a1', agent_type: 'security' }, ip: '10.2.2.2' });
    await h.call('POST', '/auth/login', { body: {}, ip: '10.3.3.3' });
    const text = await h.metrics.getSingleMetricAsString('arcp_registry_auth_failures_total');
    expect(text).toMatch(/reason="agent_login"} 1/);
    expect(text).toMatch(/reason="bad_credentials"} 1/);
    await settle();
    const messages = h.published.filter((p) => p.body['source'] === 'security').map((p) => p.body['message']);
    expect(messages).toEqual(['Direct agent login refused for a1', 'Login without usable credentials']);
  });

  it('treats a login naming an agent without its type as an admin login, and one without a password as no credentials', async () => {
    const named = await h.call('POST', '/auth/login', { body: { agent_id: 'a1', username: 'ARCP', password: ADMIN_PASSWORD } });
    expect(named.status).toBe(200);
    const noPassword = await h.call('POST', '/auth/login', { body: { username: 'ARCP' }, ip: '10.3.3.4' });
    expect(noPassword.status).toBe(401);
    expect(noPassword.json['detail']).toBe(
      'Authentication failed: Invalid credentials - provide either agent_id/agent_type or username/password',
    );
  });

  it('announces a successful login on the auth log', async () => {
    await h.call('POST', '/auth/login', { body: { username: 'ARCP', password: ADMIN_PASSWORD }, ip: '10.9.0.2' });
    await settle();
    expect(h.published.filter((p) => p.body['source'] === 'auth').map((p) => p.body)).toEqual([
      {
        level: 'INFO',
        source: 'auth',
        message: 'Admin login successful: ARCP',
        event_type: 'admin_login_success',
        client_ip: '10.9.0.2',
        timestamp: expect.any(String),
      },
    ]);
  });

  it('refuses the right password under another user name', async () => {
    const res = await h.call('POST', '/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(res.status).toBe(401);
    expect(res.json['detail']).toBe('Authentication failed: Invalid admin credentials');
  });

  it('answers 503 when no admin password is configured', async () => {
    const off = await startHarness({ ADMIN_PASSWORD: '' });
    try {
      const res = await off.call('POST', '/auth/login', { body: { username: 'ARCP', password: ADMIN_PASSWORD } });
      expect(res.status).toBe(503);
      expect(res.json['detail']).toBe('admin login is not configured');
    } finally {
      await off.registry.stop();
    }
  });

  it('keeps a logged-out token refused until it expires, and says who logged out', async () => {
    const token = await adminToken(h);
    await h.call('POST', '/auth/logout', { token, ip: '10.9.0.1' });
    h.clock.advance(1_799_000);
    expect((await h.call('GET', '/tokens/validate', { token })).json['error']).toBe('Invalid token: Token has been revoked');
    await settle();
    expect(h.published.find((p) => p.body['event_type'] === 'admin_logout')?.body).toMatchObject({
      level: 'INFO',
      source: 'auth',
      message: 'Admin logged out: ARCP',
      client_ip: '10.9.0.1',
    });
    expect(h.published.find((p) => p.subject.endsWith('revoke.credential'))?.body['jti']).toEqual(expect.any(String));
  });
});
