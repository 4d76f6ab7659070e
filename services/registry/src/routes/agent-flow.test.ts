import { AGENT_KEY, OTHER_KEY, registerAgent, tempToken, registration, settle, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.registry.stop();
});

describe('agent flow', () => {
  it('temp token → register → heartbeat → metrics → unregister', async () => {
    const temp = await h.call('POST', '/auth/agent/request_temp_token', {
      body: { agent_id: 'scan-1', agent_type: 'security', agent_key: AGENT_KEY },
    });
    expect(temp.status).toBe(200);
    expect(temp.json).toMatchObject({
      token_type: 'bearer',
      expires_in: 900,
      message: 'Temporary token issued. Use this token to complete agent registration.',
    });

    const reg = await h.call('POST', '/agents/register', { token: temp.json['temp_token'] as string, body: registration('scan-1') });
    expect(reg.status).toBe(200);
    expect(reg.json).toMatchObject({ status: 'success', message: "Agent 'Agent scan-1' registered successfully", agent_id: 'scan-1' });
    const token = reg.json['access_token'] as string;

    const hb = await h.call('POST', '/agents/scan-1/heartbeat', { token });
    expect(hb.status).toBe(200);
    expect(hb.json).toMatchObject({ agent_id: 'scan-1', status: 'success', metrics: null });
    expect(hb.json['last_seen']).toMatch(/Z$/);

    const pm = await h.call('POST', '/agents/scan-1/metrics', { token, body: { success_rate: 0.9, total_requests: 12, bogus: 'ignored' } });
    expect(pm.status).toBe(200);
    expect(pm.json['metrics']).toMatchObject({ agent_id: 'scan-1', success_rate: 0.9, total_requests: 12 });
    const gm = await h.call('GET', '/agents/scan-1/metrics', { token });
    expect(gm.json).toMatchObject({ success_rate: 0.9, total_requests: 12 });

    const one = await h.call('GET', '/agents/scan-1?include_metrics=true', { token });
    expect(one.json).toMatchObject({ agent_id: 'scan-1', status: 'alive', metrics: { total_requests: 12 } });

    const del = await h.call('DELETE', '/agents/scan-1', { token });
    expect(del.status).toBe(200);
    expect(del.json).toMatchObject({
      status: 'success',
      message: 'Agent scan-1 unregistered successfully',
      unregistered_by: 'agent (self)',
    });
    expect((await h.call('GET', '/agents/scan-1', { token: await registerAgent(h, 'other-1', OTHER_KEY) })).status).toBe(404);

    await settle();
    const kinds = h.published.filter((p) => p.subject.endsWith('dir.changed')).map((p) => `${p.body['kind']}:${p.body['agent_id']}`);
    expect(kinds.slice(0, 4)).toEqual(['registered:scan-1', 'heartbeat:scan-1', 'metrics:scan-1', 'unregistered:scan-1']);
    const revocations = h.published.filter((p) => p.subject.endsWith('revoke.credential'));
    expect(revocations).toHaveLength(1);
    expect(revocations[0]!.body).toMatchObject({ kind: 'agent', subject: 'scan-1' });
  });

  it('revokes the agent token on unregistration but not the token of a re-registration', async () => {
    const first = await registerAgent(h, 'scan-2');
    expect((await h.call('DELETE', '/agents/scan-2', { token: first })).status).toBe(200);
    const again = await h.call('POST', '/agents/scan-2/heartbeat', { token: first });
    expect(again.status).toBe(401);
    expect(again.json['detail']).toBe('Token has been revoked');
    h.clock.advance(1);
    const second = await registerAgent(h, 'scan-2');
    expect((await h.call('POST', '/agents/scan-2/heartbeat', { token: second })).status).toBe(200);
  });

  it('answers 409 for a live duplicate and replaces a dead one', async () => {
    await registerAgent(h, 'dup-1');
    const temp = await tempToken(h, 'dup-1', OTHER_KEY, 'Security');
    const dup = await h.call('POST', '/agents/register', { token: temp, body: registration('dup-1') });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ detail: 'Agent dup-1 is already registered and alive.', status: 409 });
    expect(dup.headers?.['content-type']).toBe('application/problem+json');
    h.clock.advance(61_000);
    const replaced = await h.call('POST', '/agents/register', { token: temp, body: registration('dup-1') });
    expect(replaced.status).toBe(200);
  });

  it('binds one key to one live agent', async () => {
    await registerAgent(h, 'bound-1', AGENT_KEY);
    const temp = await tempToken(h, 'bound-2', AGENT_KEY, 'Security');
    const res = await h.call('POST', '/agents/register', { token: temp, body: registration('bound-2') });
    expect(res.status).toBe(400);
    expect(res.json['detail']).toBe("Agent key is already in use by agent 'bound-1'. Each agent key can only register one agent.");
    // Once the holder is dead, the key is free again.
    h.clock.advance(61_000);
    expect((await h.call('POST', '/agents/register', { token: temp, body: registration('bound-2') })).status).toBe(200);
  });

  it('frees the key when its agent unregisters', async () => {
    const token = await registerAgent(h, 'free-1', AGENT_KEY);
    await h.call('DELETE', '/agents/free-1', { token });
    await expect(registerAgent(h, 'free-2', AGENT_KEY)).resolves.toEqual(expect.any(String));
  });

  it('lets a temp token register only the agent it was issued for', async () => {
    const temp = await tempToken(h, 'alpha-1', AGENT_KEY, 'Security');
    const res = await h.call('POST', '/agents/register', { token: temp, body: registration('beta-1') });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ detail: 'Agents can only register themselves', agent_id: 'alpha-1', request_agent_id: 'beta-1' });
  });

  it('refuses temp tokens on agent endpoints', async () => {
    await registerAgent(h, 'temp-1');
    const temp = await tempToken(h, 'temp-1', OTHER_KEY, 'Security');
    const res = await h.call('POST', '/agents/temp-1/heartbeat', { token: temp });
    expect(res.status).toBe(403);
    expect(res.json['type']).toBe('https://arcp.0x001.tech/docs/problems/insufficient-permissions');
  });

  it('forbids acting on another agent, allows admins', async () => {
    const a = await registerAgent(h, 'own-1', AGENT_KEY);
    await registerAgent(h, 'own-2', OTHER_KEY);
    const res = await h.call('POST', '/agents/own-2/heartbeat', { token: a });
    expect(res.status).toBe(403);
    expect(res.json['detail']).toBe('Agents can only update their own heartbeat');
    expect((await h.call('DELETE', '/agents/own-2', { token: a })).json['detail']).toBe('Agents can only unregister themselves');
  });

  it('rejects invalid registrations with a readable 422', async () => {
    const temp = await tempToken(h, 'bad-1', AGENT_KEY, 'Security');
    const res = await h.call('POST', '/agents/register', {
      token: temp,
      body: registration('bad-1', { agent_type: 'weather', version: 'v1' }),
    });
    expect(res.status).toBe(422);
    expect(res.json['detail']).toMatch(/^Input validation failed: .*agent_type: agent_type must be one of/);
    expect(res.json['detail']).toMatch(/version/);
  });

  it('judges the token before the body, and counts a bad body only from an authenticated caller', async () => {
    const invalid = async () =>
      Number(/result="invalid"} (\d+)/.exec(await h.metrics.getSingleMetricAsString('arcp_registry_registrations_total'))?.[1] ?? 0);
    const bad = registration('order-1', { agent_type: 'weather' });
    const unsigned = await h.call('POST', '/agents/register', { token: 'not-a-token', body: bad });
    expect(unsigned.status).toBe(401);
    expect(unsigned.json['detail']).toBe('Invalid or expired token');
    expect(await invalid()).toBe(0);

    // A revoked token with a good body: the duplicate check's read started alongside the
    // revocation lookup must not outlive the refusal or register anything.
    const first = await registerAgent(h, 'order-2');
    expect((await h.call('DELETE', '/agents/order-2', { token: first })).status).toBe(200);
    const revoked = await h.call('POST', '/agents/register', { token: first, body: registration('order-2') });
    expect(revoked.status).toBe(401);
    expect(revoked.json['detail']).toBe('Token has been revoked');
    expect((await h.call('GET', '/agents/order-2', { token: await registerAgent(h, 'order-3', OTHER_KEY) })).status).toBe(404);

    const temp = await tempToken(h, 'order-1', AGENT_KEY, 'Security');
    expect((await h.call('POST', '/agents/register', { token: temp, body: bad })).status).toBe(422);
    expect(await invalid()).toBe(1);
  });

  it('answers the reference texts for bad temp-token requests', async () => {
    const call = (body: unknown) => h.call('POST', '/auth/agent/request_temp_token', { body, ip: '10.9.9.9' });
    expect((await call({ agent_id: 'a1', agent_type: 'security' })).json['detail']).toBe(
      'Invalid agent credentials: agent_id, agent_type, and agent_key are required for temporary token request',
    );
    expect((await call({ agent_id: 'a1', agent_type: 'security', agent_key: 'short' })).json['detail']).toBe(
      'Invalid agent_key: agent_key too short (minimum 10 characters required)',
    );
    const wrong = await call({ agent_id: 'a1', agent_type: 'security', agent_key: 'wrong-key-0000' });
    expect(wrong.status).toBe(401);
    expect(wrong.json['detail']).toBe('Authentication failed: Invalid agent registration key');
    expect((await call({ agent_id: 'a 1', agent_type: 'security', agent_key: AGENT_KEY })).status).toBe(422);
    await settle();
    expect(h.published.some((p) => p.body['source'] === 'security' && p.body['event_type'] === 'bad_agent_key')).toBe(true);
    expect(await h.metrics.getSingleMetricAsString('arcp_registry_auth_failures_total')).toMatch(/reason="bad_agent_key"} 1/);
  });

  it('answers 503, not 500, when no agent keys are configured', async () => {
    const off = await startHarness({ AGENT_KEYS: '' });
    const res = await off.call('POST', '/auth/agent/request_temp_token', {
      body: { agent_id: 'a1', agent_type: 'security', agent_key: AGENT_KEY },
    });
    expect(res.status).toBe(503);
    expect(res.json['detail']).toBe('agent registration is not configured');
    await off.registry.stop();
  });

  it('rejects expired and forged tokens', async () => {
    const token = await registerAgent(h, 'exp-1');
    const [head, body] = token.split('.');
    const forged = await h.call('POST', '/agents/exp-1/heartbeat', { token: `${head}.${body}.AAAA` });
    expect(forged.status).toBe(401);
    expect(forged.json['detail']).toBe('Invalid or expired token');
    h.clock.advance(61 * 60_000);
    const expired = await h.call('POST', '/agents/exp-1/heartbeat', { token });
    expect(expired.status).toBe(401);
    expect(expired.json['type']).toMatch(/token-invalid$/);
    const none = await h.call('POST', '/agents/exp-1/heartbeat');
    expect(none.status).toBe(401);
    expect(none.json['detail']).toBe('Authentication required for agent endpoint');
  });

  it('lists agents with filters and lazy status', async () => {
    const token = await registerAgent(h, 'list-1', AGENT_KEY);
    await registerAgent(h, 'list-2', OTHER_KEY, { agent_type: 'testing', capabilities: ['fuzzing'] });
    const all = await h.call('GET', '/agents', { token });
    expect((all.body as unknown[]).length).toBe(2);
    const typed = await h.call('GET', '/agents?agent_type=testing', { token });
    expect((typed.body as Array<{ agent_id: string }>).map((a) => a.agent_id)).toEqual(['list-2']);
    const caps = await h.call('GET', '/agents?capabilities=fuzzing&capabilities=nothing', { token });
    expect((caps.body as unknown[]).length).toBe(1);
    h.clock.advance(61_000);
    const dead = await h.call('GET', '/agents?status=dead', { token: await (async () => token)() });
    expect(dead.status).toBe(200);
    expect((dead.body as Array<{ status: string; metrics: unknown }>).every((a) => a.status === 'dead' && a.metrics === null)).toBe(true);
    expect((await h.call('GET', '/agents?status=zombie', { token })).status).toBe(422);
  });
});
