/**
 * The agent_updates extension on a real gateway: a socket that asks for deltas gets the current
 * list as its base, then `agents_delta` frames only; applied in order they give what the
 * whole-list sockets see. Sockets that never ask keep the reference's `agents_update` frames.
 */
import { storedAgent } from '@arcp/directory/testing';
import { isoUtc } from '@arcp/protocol';
import { waitFor } from '@arcp/testkit';
import { openClient, startGateway, type Client, type Harness } from '../test-support/gateway-harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

type Frame = Record<string, unknown>;
interface Agent {
  agent_id: string;
  status: string;
}
const agentsOf = (f: Frame) => (f['data'] as { agents: Agent[] }).agents;
const idsOf = (f: Frame) =>
  agentsOf(f)
    .map((a) => a.agent_id)
    .sort();

/** The alive ids a client holds after applying its frames in order from `from`. */
function held(client: Client, from: number): string[] {
  const ids = new Set<string>();
  for (const f of client.frames.slice(from)) {
    if (f.type === 'agents_update') {
      ids.clear();
      for (const a of agentsOf(f)) ids.add(a.agent_id);
    } else if (f.type === 'agents_delta') {
      const data = f['data'] as { upserted: Agent[]; removed: string[]; total_count: number };
      for (const a of data.upserted) ids.add(a.agent_id);
      for (const id of data.removed) ids.delete(id);
      expect(data.total_count).toBe(ids.size);
    }
  }
  return [...ids].sort();
}

async function switchTo(client: Client, mode: 'delta' | 'full'): Promise<number> {
  const from = client.frames.length;
  client.send(JSON.stringify({ type: 'agent_updates', mode }));
  const base = await client.next('agents_update', () => true, from);
  return client.frames.indexOf(base);
}

it('sends a delta socket its base list, then only what changed, and it converges with the whole-list sockets', async () => {
  h = await startGateway('public', { PUBLIC_WS_INTERVAL: '3600' });
  const writer = await h.writer();
  await writer.register(storedAgent('d-1'));
  await writer.register(storedAgent('d-2'));
  const full = await openClient(h.port, '/public/ws');
  const delta = await openClient(h.port, '/public/ws');
  await full.next('welcome');
  await delta.next('welcome');
  const base = await switchTo(delta, 'delta');
  expect(idsOf(delta.frames[base]!)).toEqual(['d-1', 'd-2']);

  await writer.register(storedAgent('d-3'));
  const d1 = await writer.read('d-1');
  await writer.remove('d-1', d1!.revisions.registration);
  const d2 = await writer.readLiveness('d-2');
  await writer.setLiveness('d-2', { status: 'dead', last_seen: isoUtc(Date.now()) }, d2!.revision);
  await writer.register(storedAgent('d-4'));

  const final = ['d-3', 'd-4'];
  await full.next('agents_update', (f) => JSON.stringify(idsOf(f)) === JSON.stringify(final));
  await waitFor(() => JSON.stringify(held(delta, base)) === JSON.stringify(final), { what: 'the delta socket to converge' });

  // After its base the delta socket got deltas only; the whole-list socket never got one.
  expect(delta.frames.slice(base + 1).every((f) => f.type === 'agents_delta')).toBe(true);
  expect(full.of('agents_delta')).toEqual([]);
  const deltas = delta.of('agents_delta').map((f) => f['data'] as { upserted: Agent[]; removed: string[] });
  expect(deltas.flatMap((d) => d.removed).sort()).toEqual(['d-1', 'd-2']);
  // Each frame carries only what changed: no delta repeats the agents that did not.
  expect(deltas.flatMap((d) => d.upserted.map((a) => a.agent_id)).sort()).toEqual(['d-3', 'd-4']);
  expect(await h.metric('arcp_gateway_messages_sent_total', { channel: 'public', type: 'agents_delta' })).toBe(deltas.length);
});

it('switches a socket back to whole lists', async () => {
  h = await startGateway('public', { PUBLIC_WS_INTERVAL: '3600', PUBLIC_WS_COALESCE_MS: '0' });
  const writer = await h.writer();
  const client = await openClient(h.port, '/public/ws');
  await client.next('welcome');
  await switchTo(client, 'delta');
  await writer.register(storedAgent('s-1'));
  await client.next('agents_delta');
  const back = await switchTo(client, 'full');
  expect(idsOf(client.frames[back]!)).toEqual(['s-1']);
  await writer.register(storedAgent('s-2'));
  await client.next('agents_update', (f) => agentsOf(f).length === 2, back + 1);
  expect(client.frames.slice(back + 1).some((f) => f.type === 'agents_delta')).toBe(false);
});

it('answers a bad agent_updates with an error frame and counts it', async () => {
  h = await startGateway('public');
  const client = await openClient(h.port, '/public/ws');
  await client.next('welcome');
  client.send('{"type":"agent_updates","mode":"sometimes"}');
  expect((await client.next('error'))['message']).toBe("Invalid agent_updates: mode must be 'full' or 'delta'");
  expect(await h.metric('arcp_gateway_bad_frames_total', { channel: 'public', reason: 'invalid' })).toBe(1);
  // The socket keeps its whole-list frames.
  await (await h.writer()).register(storedAgent('b-1'));
  await client.next('agents_update');
});
