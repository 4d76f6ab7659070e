/**
 * The agents gateway's wiring, on a real uWS app over the memory bus: the bare list after auth
 * and on every directory change, which token kinds it accepts, a revocation closing the
 * sockets of that credential, readiness, and bad frames counted under this channel.
 */
import { storedAgent } from '@arcp/directory/testing';
import { openClient, startGateway, tokens, type Harness } from '../test-support/gateway-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ids = (f: Record<string, unknown>) => (f['agents'] as Array<{ agent_id: string }>).map((a) => a.agent_id).sort();

async function authed(port: number, agentId = 'ag-1') {
  const issued = await tokens.issueAgent(agentId);
  const client = await openClient(port, '/agents/ws', JSON.stringify({ token: issued.token }));
  await client.next('auth_success');
  await client.next('agent_list');
  return { client, issued };
}

it('is ready once started and no longer while draining', async () => {
  let readyBeforeStart: boolean | undefined;
  h = await startGateway('agents', {}, { beforeStart: (g) => (readyBeforeStart = g.ready()) });
  expect(readyBeforeStart).toBe(false);
  expect(h.gateway.ready()).toBe(true);
  const { client } = await authed(h.port);
  await h.gateway.drain();
  expect(h.gateway.ready()).toBe(false);
  expect(await client.closed).toBe(4200);
});

it('sends the list after auth and again on a registration, counted as agent_list', async () => {
  // Ten seconds behind the real clock: an agent seen at that instant is alive only on the gateway's clock.
  const now = Date.now() - 10_000;
  h = await startGateway('agents', { AGENT_HEARTBEAT_TIMEOUT: '5' }, { now: () => now });
  const writer = await h.writer();
  await writer.register(storedAgent('ag-old', {}, now));
  const { client } = await authed(h.port);
  expect(ids(client.of('agent_list')[0]!)).toEqual(['ag-old']);
  expect((client.of('agent_list')[0]!['agents'] as Array<{ status: string }>)[0]!.status).toBe('alive');
  const from = client.frames.length;
  await writer.register(storedAgent('ag-new', {}, now));
  const list = await client.next('agent_list', (f) => ids(f).includes('ag-new'), from);
  expect(ids(list)).toEqual(['ag-new', 'ag-old']);
  expect(await h.metric('arcp_gateway_messages_sent_total', { channel: 'agents', type: 'agent_list' })).toBe(2);
});

it('accepts agent and admin tokens, refuses a temp registration token', async () => {
  h = await startGateway('agents');
  const admin = await tokens.issueAdmin('root');
  const byAdmin = await openClient(h.port, '/agents/ws', JSON.stringify({ token: admin.token }));
  await byAdmin.next('auth_success');
  const temp = await tokens.issueTemp({ agentId: 't-1', agentType: 'testing', agentKeyHash: 'b'.repeat(64) });
  const byTemp = await openClient(h.port, '/agents/ws', JSON.stringify({ token: temp.token }));
  expect(await byTemp.next('auth_error')).toMatchObject({ message: 'Invalid token' });
  expect(await byTemp.closed).toBe(1008);
  expect(h.lines.map((l) => l.obj)).toContainEqual({
    audit: 'token_rejected',
    reason: 'temp_not_allowed',
    client_ip: '127.0.0.1',
    endpoint: '/agents/ws',
  });
});

it('closes the sockets of a revoked agent with 4009 and keeps the others', async () => {
  h = await startGateway('agents');
  const { client: revoked } = await authed(h.port, 'ag-r1');
  const { client: kept } = await authed(h.port, 'ag-r2');
  await h.revoke('agent', 'ag-r1');
  expect(await revoked.closed).toBe(4009);
  // The kept socket still answers after the revocation was applied.
  kept.send('not json');
  await kept.next('error');
  expect(await h.metric('arcp_gateway_bad_frames_total', { channel: 'agents', reason: 'invalid_json' })).toBe(1);
});
