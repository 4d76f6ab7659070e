/**
 * The public gateway's wiring, on a real uWS app over the memory bus: directory changes become
 * `agents_update` broadcasts, `stats_update` comes every PUBLIC_WS_INTERVAL from one snapshot,
 * discovery pages and broadcasts carry the gateway's clock, and bad frames are counted under
 * this channel.
 */
import { storedAgent } from '@arcp/directory/testing';
import { openClient, startGateway, type Harness } from '../test-support/gateway-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Agents = { data: { agents: Array<{ agent_id: string }> } };
const ids = (f: Record<string, unknown>) => (f as unknown as Agents).data.agents.map((a) => a.agent_id).sort();

it('is ready once started and no longer while draining', async () => {
  let readyBeforeStart: boolean | undefined;
  h = await startGateway('public', {}, { beforeStart: (g) => (readyBeforeStart = g.ready()) });
  expect(readyBeforeStart).toBe(false);
  expect(h.gateway.ready()).toBe(true);
  const client = await openClient(h.port, '/public/ws');
  await client.next('welcome');
  await h.gateway.drain();
  expect(h.gateway.ready()).toBe(false);
  expect(await client.closed).toBe(4200);
});

it('broadcasts a registration as agents_update with the alive agents, stamped with its clock, and counts it', async () => {
  // Ten seconds behind the real clock, so a frame stamped with Date.now instead would show.
  const now = Date.now() - 10_000;
  h = await startGateway('public', { PUBLIC_WS_INTERVAL: '3600' }, { now: () => now });
  const client = await openClient(h.port, '/public/ws');
  await client.next('welcome');
  const writer = await h.writer();
  await writer.register(storedAgent('pub-1', {}, now));
  const update = await client.next('agents_update', (f) => ids(f).includes('pub-1'));
  expect(ids(update)).toEqual(['pub-1']);
  expect(update['timestamp']).toBe(now / 1000);
  expect(await h.metric('arcp_gateway_messages_sent_total', { channel: 'public', type: 'agents_update' })).toBeGreaterThanOrEqual(1);
  // A discovery page reflects it too, with the same clock.
  client.send('{"type":"get_discovery"}');
  const page = await client.next('discovery_data');
  expect(ids(page)).toEqual(['pub-1']);
  expect(page['timestamp']).toBe(now / 1000);
  // The page answered after the broadcast: no stats_update came meanwhile (its period is an hour).
  expect(client.of('stats_update')).toEqual([]);
});

it('sends stats_update every PUBLIC_WS_INTERVAL, counted under its type', async () => {
  h = await startGateway('public', { PUBLIC_WS_INTERVAL: '0.05' });
  const writer = await h.writer();
  await writer.register(storedAgent('pub-s1'));
  await writer.register(storedAgent('pub-s2', { status: 'dead' }));
  const client = await openClient(h.port, '/public/ws');
  await client.next('welcome');
  const stats = await client.next('stats_update');
  expect(stats['data']).toMatchObject({ total_agents: 2, alive_agents: 1, dead_agents: 1 });
  await client.next('stats_update', () => true, client.frames.indexOf(stats) + 1);
  expect(await h.metric('arcp_gateway_messages_sent_total', { channel: 'public', type: 'stats_update' })).toBeGreaterThanOrEqual(2);
});

it('counts a bad client frame under the public channel and its reason', async () => {
  h = await startGateway('public');
  const client = await openClient(h.port, '/public/ws');
  await client.next('welcome');
  client.send('{oops');
  await client.next('error');
  expect(await h.metric('arcp_gateway_bad_frames_total', { channel: 'public', reason: 'invalid_json' })).toBe(1);
});
