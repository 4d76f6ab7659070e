import { createProducerWatch, MISSED_INTERVALS, type ProducerWatch } from './producer-watch';

const INTERVAL = 1000;
let clock: number;
let sent: Array<{ type: string; data: { alerts: Array<{ type: string; severity: string; message: string }> } }>;
let watch: ProducerWatch;
const frame = (type: string) => Buffer.from(JSON.stringify({ type, timestamp: 't', data: {} }));

beforeEach(() => {
  jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
  clock = Date.now();
  sent = [];
  watch = createProducerWatch({ intervalMs: INTERVAL, broadcast: (b) => void sent.push(JSON.parse(b.toString())), now: () => Date.now() });
  watch.start();
});
afterEach(() => {
  watch.stop();
  jest.useRealTimers();
});

const tick = (ms: number) => jest.advanceTimersByTime(ms);

test('frames flowing: nothing is said', () => {
  for (let i = 0; i < 10; i++) {
    tick(INTERVAL);
    watch.seen('monitoring', frame('monitoring'));
  }
  expect(sent).toEqual([]);
  expect(watch.dark).toBe(false);
});

test('after three silent intervals every dashboard is told once, and again when frames come back', () => {
  watch.seen('monitoring', frame('monitoring'));
  tick(MISSED_INTERVALS * INTERVAL - 1);
  expect(sent).toEqual([]);
  tick(INTERVAL);
  expect(watch.dark).toBe(true);
  expect(sent).toHaveLength(1);
  expect(sent[0]!.data.alerts[0]).toMatchObject({ type: 'dashboard_data_unavailable', severity: 'critical' });
  expect(sent[0]!.data.alerts[0]!.message).toContain(new Date(clock).toISOString().slice(0, 19));
  tick(10 * INTERVAL);
  expect(sent).toHaveLength(1);
  watch.seen('health', frame('health'));
  expect(watch.dark).toBe(true);
  watch.seen('monitoring', frame('monitoring'));
  expect(watch.dark).toBe(false);
  expect(sent[1]!.data.alerts[0]).toMatchObject({ type: 'dashboard_data_recovered', severity: 'info' });
});

test('a new dashboard gets the last frames in burst order with the current agents, and an alert, critical only while dark', () => {
  watch.seen('logs', frame('logs'));
  watch.seen('agents', frame('agents'));
  watch.seen('monitoring', frame('monitoring'));
  const types = (frames: Uint8Array[]) =>
    frames.map((b) => (JSON.parse(Buffer.from(b).toString()) as { type: string; data?: unknown }).type);
  const current = Buffer.from(JSON.stringify({ type: 'agents', timestamp: 'now', data: { current: true } }));
  const burst = watch.fallbackBurst('request timed out', current);
  expect(types(burst)).toEqual(['monitoring', 'agents', 'logs', 'alert']);
  expect(burst[1]).toBe(current);
  expect(JSON.parse(Buffer.from(burst[3]!).toString()).data.alerts[0]).toMatchObject({
    type: 'dashboard_snapshot_unavailable',
    severity: 'warning',
  });
  tick((MISSED_INTERVALS + 1) * INTERVAL);
  const dark = watch.fallbackBurst('no responders', current);
  expect(JSON.parse(Buffer.from(dark.at(-1)!).toString()).data.alerts[0]).toMatchObject({
    type: 'dashboard_data_unavailable',
    severity: 'critical',
  });
});

test('a gateway that never saw a frame says since when it has been waiting', () => {
  tick(MISSED_INTERVALS * INTERVAL);
  expect(sent[0]!.data.alerts[0]!.message).toContain('since this gateway started');
});
