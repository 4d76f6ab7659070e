import { AGENT_KEY, settle, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ RATE_LIMIT_BURST: '3' });
});
afterEach(async () => {
  await h.registry.stop();
});

const tempRequest = (agent_key: string, ip = '10.3.0.1') =>
  h.call('POST', '/auth/agent/request_temp_token', { body: { agent_id: 'aa-1', agent_type: 'security', agent_key }, ip });

describe('POST /auth/agent/request_temp_token', () => {
  it('checks a key of ten characters or more against the configured keys, and refuses a shorter one without counting it', async () => {
    const short = await tempRequest('123456789');
    expect(short.status).toBe(400);
    expect(short.json['detail']).toBe('Invalid agent_key: agent_key too short (minimum 10 characters required)');
    const ten = await tempRequest('1234567890');
    expect(ten.status).toBe(401);
    expect(ten.json['detail']).toBe('Authentication failed: Invalid agent registration key');
    const text = await h.metrics.getSingleMetricAsString('arcp_registry_auth_failures_total');
    expect(text).toMatch(/reason="bad_agent_key"} 1/);
  });

  it('requires an agent type', async () => {
    const res = await h.call('POST', '/auth/agent/request_temp_token', { body: { agent_id: 'aa-1', agent_key: AGENT_KEY } });
    expect(res.json['detail']).toBe(
      'Invalid agent credentials: agent_id, agent_type, and agent_key are required for temporary token request',
    );
  });

  it('announces the issued token on the auth log, naming the agent and the address', async () => {
    expect((await tempRequest(AGENT_KEY)).status).toBe(200);
    await settle();
    expect(h.published.filter((p) => p.body['source'] === 'auth').map((p) => p.body)).toEqual([
      {
        level: 'INFO',
        source: 'auth',
        message: 'Agent authenticated successfully: aa-1 (security)',
        event_type: 'agent_login_success',
        agent_id: 'aa-1',
        agent_type: 'security',
        client_ip: '10.3.0.1',
        timestamp: expect.any(String),
      },
    ]);
  });

  it('clears the agent-key failures of an address once it presents a good key', async () => {
    expect((await tempRequest('not-the-key-0000')).status).toBe(401);
    h.clock.advance(5_000);
    expect((await tempRequest(AGENT_KEY)).status).toBe(200);
    expect((await tempRequest('not-the-key-0000')).status).toBe(401);
    expect((await tempRequest('not-the-key-0000')).status).toBe(401);
  });
});

describe('disabled endpoints', () => {
  it('say three-phase registration is not enabled, and name what is not supported', async () => {
    const tpr = await h.call('POST', '/auth/agent/validate_compliance', { body: {} });
    expect(tpr.status).toBe(400);
    expect(tpr.json['detail']).toBe('Three-phase registration is not enabled on this server');
    const pin = await h.call('POST', '/auth/set_pin', { body: {} });
    expect(pin.json['detail']).toBe('Session PINs is not supported by this server');
    expect(pin.json['type']).toMatch(/\/not-implemented$/);
  });
});
