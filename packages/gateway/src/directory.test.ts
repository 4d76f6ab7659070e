import { Registry } from 'prom-client';
import { isoUtc } from '@arcp/protocol';
import { createMemoryBus, type Bus, type KvStore } from '@arcp/service-kit';
import { createAgentDirectory, type AgentDirectory } from './directory';
import { createRecordingLogger } from '@arcp/ws-engine/testing';
import { encode, storedAgent } from './test-support/agents';
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const TIMEOUT = 60_000;
let bus: Bus;
let kv: KvStore;
let dir: AgentDirectory;
let clock: number;
let changes: Array<string[]>;
const registry = new Registry();
const logger = createRecordingLogger();

beforeEach(async () => {
  bus = createMemoryBus();
  kv = await bus.kv('t_agents');
  clock = Date.parse('2025-09-07T21:00:00Z');
  changes = [];
});
afterEach(async () => {
  dir.stop();
  await bus.close();
});

async function startDirectory(): Promise<void> {
  dir = createAgentDirectory({ bus, bucket: 't_agents', logger, heartbeatTimeoutMs: TIMEOUT, coalesceMs: 30, expiryCheckMs: 20, registry, now: () => clock });
  dir.onChange(() => changes.push(dir.all().map((a) => `${a.agent_id}:${dir.statusOf(a.agent_id)}`)));
  await dir.start();
}

const put = (id: string, fields: Parameters<typeof storedAgent>[1] = {}) => kv.put(id, encode(storedAgent(id, fields, clock)));
const settle = () => pause(80);

test('start resolves after the initial load, in registration order, without a change signal', async () => {
  await kv.put('ag-b', encode(storedAgent('ag-b', { registered_at: isoUtc(clock - 1000) }, clock)));
  await kv.put('ag-a', encode(storedAgent('ag-a', { registered_at: isoUtc(clock) }, clock)));
  await startDirectory();
  expect(dir.ready).toBe(true);
  expect(dir.all().map((a) => a.agent_id)).toEqual(['ag-b', 'ag-a']);
  await settle();
  expect(changes).toEqual([]);
});

test('a burst of registrations gives one trailing signal showing the final state', async () => {
  await startDirectory();
  await put('ag-x');
  await put('ag-y');
  await put('ag-z');
  await settle();
  expect(changes).toEqual([['ag-x:alive', 'ag-y:alive', 'ag-z:alive']]);
});

test('heartbeats that only move last_seen or metrics do not signal, but reads see them', async () => {
  await put('ag-h');
  await startDirectory();
  clock += 5000;
  const beat = storedAgent('ag-h', { registered_at: isoUtc(clock - 5000) }, clock);
  beat.metrics.total_requests = 42;
  await kv.put('ag-h', encode(beat));
  await settle();
  expect(changes).toEqual([]);
  expect(dir.get('ag-h')?.last_seen).toBe(isoUtc(clock));
  expect(dir.all()[0]?.metrics.total_requests).toBe(42);
});

test('registration content, stored status and deletion changes signal', async () => {
  await put('ag-r');
  await startDirectory();
  await put('ag-r', { name: 'Renamed' });
  await settle();
  await put('ag-r', { name: 'Renamed', status: 'dead' });
  await settle();
  await kv.delete('ag-r');
  await settle();
  expect(changes).toEqual([['ag-r:alive'], ['ag-r:dead'], []]);
  expect(dir.get('ag-r')).toBeUndefined();
});

test('lazy expiry turns a silent agent dead and a later heartbeat revives it', async () => {
  await put('ag-s');
  await startDirectory();
  clock += TIMEOUT;
  await settle();
  expect(dir.statusOf('ag-s')).toBe('dead');
  await put('ag-s', { registered_at: dir.get('ag-s')!.registered_at });
  await settle();
  expect(changes).toEqual([['ag-s:dead'], ['ag-s:alive']]);
});

test('invalid entries are skipped, counted and logged; the last valid version stays', async () => {
  await put('ag-v');
  await startDirectory();
  await kv.put('ag-v', Buffer.from('{not json'));
  await kv.put('ag-w', encode({ agent_id: 'ag-w' }));
  await kv.put('ag-u', encode(storedAgent('ag-other', {}, clock)));
  await settle();
  expect(dir.all().map((a) => a.agent_id)).toEqual(['ag-v']);
  expect(changes).toEqual([]);
  expect(await registry.metrics()).toMatch(/arcp_gateway_directory_invalid_entries_total \d+/);
  expect(logger.lines.filter((l) => l.msg === 'skipping invalid agent directory entry').length).toBeGreaterThanOrEqual(3);
});

test('stop ends the watch and the signals', async () => {
  await startDirectory();
  dir.stop();
  await put('ag-late');
  await settle();
  expect(changes).toEqual([]);
  expect(dir.get('ag-late')).toBeUndefined();
});
