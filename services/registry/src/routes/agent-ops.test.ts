import { adminToken, OTHER_KEY, registerAgent, settle, startHarness, type Harness } from '../test-support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ AGENT_HEARTBEAT_TIMEOUT: '2' });
});
afterEach(async () => {
  await h.registry.stop();
});

async function counted(metric: string, label: string, value: string): Promise<number> {
  const text = await h.metrics.getSingleMetricAsString(metric);
  return Number(new RegExp(`${label}="${value}"} (\\d+)`).exec(text)?.[1] ?? 0);
}

const events = (agentId: string) =>
  h.published.filter((p) => p.subject.endsWith('dir.changed') && p.body['agent_id'] === agentId).map((p) => p.body);
const agentLogs = (agentId: string) =>
  h.published.filter((p) => p.body['source'] === 'agents' && p.body['agent_id'] === agentId).map((p) => p.body['message']);

describe('heartbeat', () => {
  it('announces a plain heartbeat with the agent type, and a late one as the agent coming back', async () => {
    const token = await registerAgent(h, 'hb-1');
    h.clock.advance(1_000);
    expect((await h.call('POST', '/agents/hb-1/heartbeat', { token })).json['last_seen']).toBe('2025-09-07T21:28:49.934000Z');
    h.clock.advance(2_000);
    expect((await h.call('POST', '/agents/hb-1/heartbeat', { token })).status).toBe(200);
    await settle();
    expect(events('hb-1').map((e) => [e['kind'], e['agent_type']])).toEqual([
      ['registered', 'security'],
      ['heartbeat', 'security'],
      ['alive', 'security'],
    ]);
    expect(agentLogs('hb-1')).toEqual(['Agent registered: hb-1 (security)', 'Agent hb-1 is alive again']);
    expect([
      await counted('arcp_registry_heartbeats_total', 'result', 'ok'),
      await counted('arcp_registry_heartbeats_total', 'result', 'revived'),
    ]).toEqual([1, 1]);
  });

  it('counts refused and unknown heartbeats apart', async () => {
    const token = await registerAgent(h, 'hb-2');
    await registerAgent(h, 'hb-3', OTHER_KEY);
    const other = await h.call('POST', '/agents/hb-3/heartbeat', { token });
    expect(other.json).toMatchObject({ agent_id: 'hb-2', target_agent_id: 'hb-3' });
    expect((await h.call('POST', '/agents/nobody/heartbeat', { token: await adminToken(h) })).status).toBe(404);
    expect([
      await counted('arcp_registry_heartbeats_total', 'result', 'forbidden'),
      await counted('arcp_registry_heartbeats_total', 'result', 'not_found'),
    ]).toEqual([1, 1]);
  });
});

describe('unregister', () => {
  it('says an admin did it, by name', async () => {
    await registerAgent(h, 'un-1');
    const res = await h.call('DELETE', '/agents/un-1', { token: await adminToken(h) });
    expect(res.json).toEqual({ status: 'success', message: 'Agent un-1 unregistered successfully', unregistered_by: 'admin (ARCP)' });
    const again = await h.call('DELETE', '/agents/un-1', { token: await adminToken(h) });
    expect(again.status).toBe(404);
    expect(again.json).toMatchObject({ detail: 'Agent un-1 not found', agent_id: 'un-1' });
  });

  it('refuses another agent, naming both', async () => {
    const token = await registerAgent(h, 'un-2');
    await registerAgent(h, 'un-3', OTHER_KEY);
    const res = await h.call('DELETE', '/agents/un-3', { token });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ agent_id: 'un-2', target_agent_id: 'un-3' });
    expect((await h.call('GET', '/agents/un-3', { token })).status).toBe(200);
  });
});

describe('metrics', () => {
  it('merges an update into the stored metrics, keeping the agent id and stamping the time', async () => {
    const token = await registerAgent(h, 'm-1');
    h.clock.advance(1_000);
    await h.call('POST', '/agents/m-1/metrics', { token, body: { success_rate: 0.5 } });
    const res = await h.call('POST', '/agents/m-1/metrics', { token, body: { total_requests: 3, agent_id: 'someone-else' } });
    expect(res.status).toBe(200);
    expect(res.json['message']).toBe('Metrics updated successfully');
    expect(res.json['metrics']).toMatchObject({
      agent_id: 'm-1',
      success_rate: 0.5,
      total_requests: 3,
      last_active: '2025-09-07T21:28:49.934000Z',
    });
    await settle();
    const last = events('m-1').at(-1)!;
    expect(last).toMatchObject({ kind: 'metrics', agent: { agent_id: 'm-1', metrics: { success_rate: 0.5, total_requests: 3 } } });
  });

  it('refuses another agent and answers 404 for an unknown one', async () => {
    const token = await registerAgent(h, 'm-2');
    await registerAgent(h, 'm-3', OTHER_KEY);
    const other = await h.call('POST', '/agents/m-3/metrics', { token, body: { total_requests: 1 } });
    expect(other.status).toBe(403);
    expect(other.json).toMatchObject({ detail: 'Agents can only update their own metrics', agent_id: 'm-2', target_agent_id: 'm-3' });
    const missing = await h.call('GET', '/agents/nobody/metrics', { token });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ detail: 'No metrics found for agent nobody', agent_id: 'nobody' });
    // Any caller may read another agent's metrics.
    expect((await h.call('GET', '/agents/m-3/metrics', { token })).json).toMatchObject({ agent_id: 'm-3' });
  });
});
