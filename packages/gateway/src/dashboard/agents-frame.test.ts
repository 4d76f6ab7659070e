/**
 * The dashboard's `agents` frame is built by the gateway from its own copy of the directory:
 * a change reaches open dashboards at once (not at the next interval), changes inside the
 * window become one more frame, removals too, and nothing goes through a bus message (so the
 * frame may grow past what one could carry). Real gateways on a real uWS app, memory bus.
 */
import { createTokenService } from '@arcp/auth';
import { createDirectoryWriter } from '@arcp/directory';
import { storedAgent } from '@arcp/directory/testing';
import { subjects } from '@arcp/protocol';
import { createMemoryBus, loadConfig, type Bus } from '@arcp/service-kit';
import { waitFor } from '@arcp/testkit';
import { createUwsApp, listen } from '@arcp/ws-engine';
import { createRecordingLogger } from '@arcp/ws-engine/testing';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { z } from 'zod';
import { channelEnv, GATEWAY_CHANNELS } from '../channels';
import { mountGateways } from '../run';
import type { Gateway } from '../kit';

const SECRET = 'd'.repeat(40);
const PREFIX = 't_dash_agents';
const tokens = createTokenService({ secret: SECRET, agentTtlS: 600, adminTtlS: 600, tempTtlS: 60 });

interface AgentsFrame {
  type: 'agents';
  data: { agents: Array<{ agent_id: string }>; total_count: number };
}

let bus: Bus;
let gateways: Gateway[];
let close: () => void;
let port: number;
let ws: WebSocket;
const frames: AgentsFrame[] = [];

beforeEach(async () => {
  bus = createMemoryBus();
  const app = createUwsApp();
  const schema = z.object(
    Object.assign(
      { ARCP_BUS_PREFIX: z.string().default(PREFIX), TRUST_PROXY: z.boolean().default(false) },
      ...Object.values(GATEWAY_CHANNELS).map((s) => channelEnv(s).shape),
    ),
  );
  // An hour between periodic frames: every agents frame seen below was sent because of a change.
  const config = loadConfig(schema, {
    JWT_SECRET: SECRET,
    DASHBOARD_WS_INTERVAL: '3600',
    DASHBOARD_WS_COALESCE_MS: '2000',
    DASHBOARD_COMMAND_TIMEOUT_MS: '200',
  });
  gateways = mountGateways(
    { app, bus, config: config as never, logger: createRecordingLogger(), registry: new Registry(), tokens },
    { dashboard: GATEWAY_CHANNELS.dashboard },
  );
  for (const g of gateways) await g.start();
  const listening = await listen(app, '127.0.0.1', 0);
  close = () => listening.close();
  port = listening.port;
  frames.length = 0;
  const admin = await tokens.issueAdmin('root');
  ws = new WebSocket(`ws://127.0.0.1:${port}/dashboard/ws`);
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as { type?: string };
    if (f.type === 'agents') frames.push(f as AgentsFrame);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve(ws.send(JSON.stringify({ type: 'auth', token: admin.token }))));
    ws.once('error', reject);
  });
  // No metrics service here: the snapshot falls back, with the gateway's own (empty) agents frame.
  await waitFor(() => frames.length === 1, { what: 'the agents frame of the connect burst' });
  expect(frames[0]!.data.total_count).toBe(0);
});

afterEach(async () => {
  ws.close();
  close();
  for (const g of gateways) await g.stop();
  await bus.close();
});

const ids = (f: AgentsFrame | undefined) => (f?.data.agents ?? []).map((a) => a.agent_id);

it('sends a registration to open dashboards at once, and a burst of them as one more frame', async () => {
  const writer = createDirectoryWriter(await bus.kv(subjects(PREFIX).agentsBucket));
  await writer.register(storedAgent('dash-1'));
  await waitFor(() => ids(frames.at(-1)).includes('dash-1'), { what: 'an agents frame with dash-1' });
  const before = frames.length;
  for (let i = 2; i <= 10; i++) await writer.register(storedAgent(`dash-${i}`));
  await waitFor(() => ids(frames.at(-1)).length === 10, { timeoutMs: 5000, what: 'the frame with all ten agents' });
  // The window (2 s) holds the nine writes: one trailing frame for all of them.
  expect(frames.length - before).toBe(1);
});

it("sends a removal too (here inside the registration's window: at its end)", async () => {
  const writer = createDirectoryWriter(await bus.kv(subjects(PREFIX).agentsBucket));
  await writer.register(storedAgent('gone-1'));
  await waitFor(() => ids(frames.at(-1)).includes('gone-1'), { what: 'the registration' });
  const stored = (await writer.read('gone-1'))!;
  await writer.remove('gone-1', stored.revisions.registration);
  await waitFor(() => frames.length === 3 && !ids(frames.at(-1)).includes('gone-1'), {
    timeoutMs: 4000,
    what: 'an agents frame without gone-1',
  });
});

it('answers agents_request from its own copy, reflecting a write acknowledged just before', async () => {
  const writer = createDirectoryWriter(await bus.kv(subjects(PREFIX).agentsBucket));
  await writer.register(storedAgent('asked-1'));
  const from = frames.length;
  ws.send(JSON.stringify({ type: 'agents_request' }));
  await waitFor(() => frames.slice(from).some((f) => ids(f).includes('asked-1')), { what: 'agents_request answer' });
});
