/**
 * The dashboard gateway's wiring, on a real uWS app over the memory bus with a stand-in metrics
 * service answering commands: frames from the metrics service forwarded to dashboards (the
 * pausable ones skipping paused sockets), relayed commands and their failures, the connection log
 * line, the producer watch's alert and the periodic agents frame, token kinds, readiness.
 */
import { encodeJson, subjects } from '@arcp/protocol';
import { openClient, startGateway, tokens, type Client, type Harness } from '../test-support/gateway-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const frame = (type: string, data: unknown = {}) => ({ type, timestamp: '2026-01-01T00:00:00.000000Z', data });
type Reply = { frames: unknown[]; error?: string } | 'garbage' | 'silence';

/** A stand-in metrics service: `answer` decides the reply to each command (the snapshot by default). */
function metricsService(harness: Harness, answer: (command: string) => Reply = () => ({ frames: [] })) {
  const names = subjects(harness.prefix);
  harness.bus.subscribe(names.dashboardCommands, (msg) => {
    const { command } = JSON.parse(Buffer.from(msg.data).toString()) as { command: string };
    const reply = command === 'snapshot' ? { frames: [frame('monitoring'), frame('health'), frame('logs')] } : answer(command);
    if (reply === 'silence') return;
    msg.respond(reply === 'garbage' ? new TextEncoder().encode('nope') : encodeJson(reply));
  });
  return names;
}

async function admin(port: number): Promise<Client> {
  const issued = await tokens.issueAdmin('root');
  const client = await openClient(port, '/dashboard/ws', JSON.stringify({ type: 'auth', token: issued.token }));
  await client.next('logs');
  return client;
}

it('is ready once started and no longer while draining', async () => {
  let readyBeforeStart: boolean | undefined;
  h = await startGateway('dashboard', { DASHBOARD_WS_INTERVAL: '3600' }, { beforeStart: (g) => (readyBeforeStart = g.ready()) });
  expect(readyBeforeStart).toBe(false);
  expect(h.gateway.ready()).toBe(true);
  metricsService(h);
  const client = await admin(h.port);
  await h.gateway.drain();
  expect(h.gateway.ready()).toBe(false);
  expect(await client.closed).toBe(4200);
});

it("forwards the metrics service's frames: monitoring to dashboards not paused, logs to all", async () => {
  h = await startGateway('dashboard', { DASHBOARD_WS_INTERVAL: '3600' });
  const names = metricsService(h);
  const live = await admin(h.port);
  const paused = await admin(h.port);
  paused.send('{"type":"pause_monitoring"}');
  await paused.next('pause_ack');
  h.bus.publish(names.dashboardFrame('monitoring'), encodeJson(frame('monitoring', { n: 1 })));
  h.bus.publish(names.dashboardFrame('logs'), encodeJson(frame('logs', { n: 2 })));
  await live.next('monitoring', (f) => (f['data'] as { n?: number }).n === 1);
  await live.next('logs', (f) => (f['data'] as { n?: number }).n === 2);
  // The logs frame was published after the monitoring one: once it is in, the paused socket had its chance.
  await paused.next('logs', (f) => (f['data'] as { n?: number }).n === 2);
  expect(paused.of('monitoring').filter((f) => (f['data'] as { n?: number }).n === 1)).toEqual([]);
});

it('relays commands, and answers a reply with an error, an unreadable reply or none in time as failures', async () => {
  h = await startGateway('dashboard', { DASHBOARD_WS_INTERVAL: '3600', DASHBOARD_COMMAND_TIMEOUT_MS: '200' });
  let mode: Reply = { frames: [frame('clear_logs_ack', { status: 'completed', message: 'Logs cleared' })] };
  metricsService(h, () => mode);
  const client = await admin(h.port);
  const ack = async () => {
    const from = client.frames.length;
    client.send('{"type":"clear_logs"}');
    return (await client.next('clear_logs_ack', () => true, from))['data'] as { status: string; message: string };
  };
  expect(await ack()).toEqual({ status: 'completed', message: 'Logs cleared' });
  mode = { frames: [], error: 'store down' };
  expect(await ack()).toMatchObject({ status: 'error', message: 'Failed to clear logs: store down' });
  mode = 'garbage';
  expect((await ack()).message).toMatch(/^Failed to clear logs: bad reply from the metrics service/);
  mode = 'silence';
  expect(await ack()).toMatchObject({ status: 'error' });
  // Four commands over at least 200 ms with an hour between periodic frames: no alert, and the
  // agents frame of the connect burst only.
  expect(client.of('alert')).toEqual([]);
  expect(client.of('agents')).toHaveLength(1);
});

it('logs each authenticated connection with the count of authenticated dashboards', async () => {
  h = await startGateway('dashboard', { DASHBOARD_WS_INTERVAL: '3600' });
  const names = metricsService(h);
  const logged: Array<{ level: string; message: string; source: string }> = [];
  h.bus.subscribe(names.logEvents, (msg) => void logged.push(JSON.parse(Buffer.from(msg.data).toString())));
  await admin(h.port);
  // Open but not authenticated: not counted.
  await openClient(h.port, '/dashboard/ws');
  await admin(h.port);
  expect(logged.map((l) => [l.level, l.message, l.source])).toEqual([
    ['INFO', 'New dashboard connection established (1 total)', 'dashboard'],
    ['INFO', 'New dashboard connection established (2 total)', 'dashboard'],
  ]);
});

it('tells dashboards when the metrics service stops sending, and sends the agents frame every interval', async () => {
  h = await startGateway('dashboard', { DASHBOARD_WS_INTERVAL: '0.05' });
  metricsService(h);
  const client = await admin(h.port);
  const alert = await client.next('alert');
  expect((alert['data'] as { alerts: Array<{ type: string }> }).alerts[0]!.type).toBe('dashboard_data_unavailable');
  expect(await h.metric('arcp_gateway_messages_sent_total', { channel: 'dashboard', type: 'alert' })).toBeGreaterThanOrEqual(1);
  await client.next('agents', () => true, client.frames.indexOf(client.of('agents')[0]!) + 1);
  expect(await h.metric('arcp_gateway_messages_sent_total', { channel: 'dashboard', type: 'agents' })).toBeGreaterThanOrEqual(2);
});

it('closes 4003 for a valid agent or temp token and audits it, and counts bad frames under this channel', async () => {
  h = await startGateway('dashboard', { DASHBOARD_WS_INTERVAL: '3600' });
  metricsService(h);
  const agent = await tokens.issueAgent('a-1');
  const temp = await tokens.issueTemp({ agentId: 't-1', agentType: 'testing', agentKeyHash: 'b'.repeat(64) });
  for (const token of [agent.token, temp.token]) {
    const client = await openClient(h.port, '/dashboard/ws', JSON.stringify({ type: 'auth', token }));
    expect(await client.closed).toBe(4003);
  }
  const audits = h.lines.filter((l) => 'audit' in l.obj).map((l) => l.obj);
  expect(audits).toEqual([
    { audit: 'token_rejected', reason: 'wrong_role', client_ip: '127.0.0.1', endpoint: '/dashboard/ws' },
    { audit: 'token_rejected', reason: 'wrong_role', client_ip: '127.0.0.1', endpoint: '/dashboard/ws' },
  ]);
  const client = await admin(h.port);
  client.send('{oops');
  await client.next('error');
  expect(await h.metric('arcp_gateway_bad_frames_total', { channel: 'dashboard', reason: 'invalid_json' })).toBe(1);
});

it("closes a revoked admin's dashboards with 4009 and keeps another admin's", async () => {
  h = await startGateway('dashboard', { DASHBOARD_WS_INTERVAL: '3600' });
  metricsService(h);
  const signIn = async (subject: string) => {
    const issued = await tokens.issueAdmin(subject);
    const client = await openClient(h!.port, '/dashboard/ws', JSON.stringify({ type: 'auth', token: issued.token }));
    await client.next('logs');
    return client;
  };
  const revoked = await signIn('ops-1');
  const kept = await signIn('ops-2');
  await h.revoke('admin', 'ops-1');
  expect(await revoked.closed).toBe(4009);
  // The kept dashboard still answers after the revocation was applied.
  kept.send('{"type":"pause_monitoring"}');
  await kept.next('pause_ack');
});
