import { ADMIN_PASSWORD, AGENT_KEY, settle, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ RATE_LIMIT_BURST: '3', LOGIN_LOCKOUT_S: '300' });
});
afterEach(async () => {
  await h.registry.stop();
});

const IP = '10.6.6.6';
const login = (password: string) => h.call('POST', '/auth/login', { body: { username: 'ARCP', password }, ip: IP });
const security = () => h.published.filter((p) => p.body['source'] === 'security').map((p) => p.body);
const audits = () => h.logs.filter((l) => typeof l['audit'] === 'string');

async function failures(reason: string): Promise<number> {
  const text = await h.metrics.getSingleMetricAsString('arcp_registry_auth_failures_total');
  return Number(new RegExp(`reason="${reason}"} (\\d+)`).exec(text)?.[1] ?? 0);
}

describe('the brute-force gate', () => {
  it('tells a client backing off how long to wait, and a locked-out one that it is locked out', async () => {
    await login('wrong');
    await login('wrong');
    const early = await login(ADMIN_PASSWORD);
    expect(early.status).toBe(429);
    expect(early.json).toMatchObject({ detail: 'Too many login attempts, wait 2 seconds', retry_after: 2, attempt_type: 'login' });
    expect(early.json['type']).toMatch(/\/rate-limit-exceeded$/);
    h.clock.advance(2_000);
    await login('wrong');
    const locked = await login(ADMIN_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.json).toMatchObject({ detail: 'Too many failed login attempts: locked out, retry after 300 seconds', retry_after: 300 });
    expect(locked.headers?.['retry-after']).toBe('300');
    expect(await failures('locked_out')).toBe(2);
    expect(await failures('bad_password')).toBe(3);
  });

  it('announces each failure and the lockout it started on the security log', async () => {
    for (let i = 0; i < 3; i++) {
      await login('wrong');
      h.clock.advance(60_000);
    }
    await settle();
    const failure = {
      level: 'WARN',
      source: 'security',
      message: 'Failed admin login attempt',
      event_type: 'bad_password',
      client_ip: IP,
      endpoint: '/auth/login',
    };
    expect(security()).toEqual([
      { ...failure, timestamp: expect.any(String) },
      { ...failure, timestamp: expect.any(String) },
      { ...failure, timestamp: expect.any(String) },
      {
        level: 'CRIT',
        source: 'security',
        message: 'Client locked out after repeated failed authentication attempts',
        event_type: 'lockout',
        client_ip: IP,
        endpoint: '/auth/login',
        timestamp: expect.any(String),
      },
    ]);
  });

  it('names the claimed agent in the audit lines of agent-key failures and their lockout', async () => {
    const badKey = () =>
      h.call('POST', '/auth/agent/request_temp_token', {
        body: { agent_id: 'guess-1', agent_type: 'security', agent_key: 'not-the-key-0000' },
        ip: IP,
      });
    for (let i = 0; i < 3; i++) {
      expect((await badKey()).status).toBe(401);
      h.clock.advance(60_000);
    }
    expect(audits().map((l) => [l['audit'], l['reason'], l['agent_id'], l['client_ip'], l['endpoint']])).toEqual([
      ['login_failed', 'bad_agent_key', 'guess-1', IP, '/auth/agent/request_temp_token'],
      ['login_failed', 'bad_agent_key', 'guess-1', IP, '/auth/agent/request_temp_token'],
      ['login_failed', 'bad_agent_key', 'guess-1', IP, '/auth/agent/request_temp_token'],
      ['lockout', 'agent_key', 'guess-1', IP, '/auth/agent/request_temp_token'],
    ]);
    expect(audits()[3]).toMatchObject({ retry_after_s: 300 });
    // Admin login failures name no agent.
    await login('wrong');
    expect(audits()[4]).not.toHaveProperty('agent_id');
  });

  it('forgets earlier failures after a success', async () => {
    expect((await login('wrong')).status).toBe(401);
    h.clock.advance(5_000);
    expect((await login(ADMIN_PASSWORD)).status).toBe(200);
    expect((await login('wrong')).status).toBe(401);
    // One failure since the success: no wait yet.
    expect((await login('wrong')).status).toBe(401);

    const tempRequest = (agent_key: string) =>
      h.call('POST', '/auth/agent/request_temp_token', { body: { agent_id: 'ok-1', agent_type: 'security', agent_key }, ip: IP });
    expect((await tempRequest('not-the-key-0000')).status).toBe(401);
    h.clock.advance(5_000);
    expect((await tempRequest(AGENT_KEY)).status).toBe(200);
    expect((await tempRequest('not-the-key-0000')).status).toBe(401);
    expect((await tempRequest('not-the-key-0000')).status).toBe(401);
  });
});
