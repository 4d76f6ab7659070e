import { registerAgent, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.registry.stop();
});

const audits = () => h.logs.filter((l) => l['audit'] === 'token_rejected').map((l) => l['reason']);

async function failures(reason: string): Promise<number> {
  const text = await h.metrics.getSingleMetricAsString('arcp_registry_auth_failures_total');
  return Number(new RegExp(`reason="${reason}"} (\\d+)`).exec(text)?.[1] ?? 0);
}

describe('bearer authentication', () => {
  it('reads the token after an exact "Bearer " prefix, trimmed', async () => {
    const token = await registerAgent(h, 'bearer-1');
    const beat = (authorization: string) => h.call('POST', '/agents/bearer-1/heartbeat', { headers: { authorization } });
    expect((await beat(`Bearer   ${token}  `)).status).toBe(200);
    for (const header of [`bearer ${token}`, `Bearer${token}`, `Basic ${token}`, 'Bearer    ', '']) {
      const res = await beat(header);
      expect([header, res.status, res.json['detail']]).toEqual([header, 401, 'Authentication required for agent endpoint']);
      expect(res.json['type']).toMatch(/\/authentication-failed$/);
    }
    // A missing token is counted, not audited.
    expect(await failures('missing')).toBe(5);
    expect(audits()).toEqual([]);
  });

  it('refuses a bad token as invalid, audited', async () => {
    const res = await h.call('POST', '/agents/x-1/heartbeat', { token: 'not.a.token' });
    expect(res.status).toBe(401);
    expect(res.json['type']).toMatch(/\/token-invalid$/);
    expect(audits()).toEqual(['malformed']);
  });

  it('refuses an agent token on an admin endpoint, naming the role', async () => {
    const token = await registerAgent(h, 'role-1');
    const res = await h.call('POST', '/auth/logout', { token });
    expect(res.status).toBe(403);
    expect(res.json['detail']).toBe('Access denied: agent role cannot access admin endpoint');
    expect(res.json['type']).toMatch(/\/insufficient-permissions$/);
    expect(await failures('wrong_role')).toBe(1);
    expect(audits()).toEqual(['wrong_role']);
  });

  it('refuses a temp registration token outside registration, saying what it is for', async () => {
    const temp = await h.call('POST', '/auth/agent/request_temp_token', {
      body: { agent_id: 'temp-1', agent_type: 'security', agent_key: 'test-registration-key-123' },
    });
    const res = await h.call('GET', '/agents', { token: temp.json['temp_token'] as string });
    expect(res.status).toBe(403);
    expect(res.json['detail']).toBe('Temporary registration tokens can only be used to register the agent they were issued for');
    expect(res.json['type']).toMatch(/\/insufficient-permissions$/);
    expect(await failures('temp_not_allowed')).toBe(1);
    expect(await failures('wrong_role')).toBe(0);
    expect(audits()).toEqual(['temp_not_allowed']);
  });
});
