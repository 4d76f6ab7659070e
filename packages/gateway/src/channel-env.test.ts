/** One channel's limit variables: defaults, bounds, and their mapping onto the engine's limits. */
import { z } from 'zod';
import { channelEnvFields, channelLimitsFrom } from './channel-env';

const defaults = { maxConnections: 100, maxPayloadBytes: 4096, maxPending: 50, maxPerAddress: 10, authTimeoutS: 5 };
const schema = z.object(channelEnvFields('TEST', defaults));

test('defaults: the channel-specific ones given, the shared ones fixed', () => {
  expect(channelLimitsFrom('TEST', schema.parse({}))).toEqual({
    maxConnections: 100,
    maxPending: 50,
    maxPerAddress: 10,
    maxPayloadBytes: 4096,
    authTimeoutMs: 5000,
    idleTimeoutS: 120,
    maxBackpressureBytes: 1024 * 1024,
    slowConsumerGraceMs: 1000,
    messageRate: { perSecond: 50, burst: 100 },
    idlePingMs: 30_000,
  });
});

test('every variable reaches its limit (seconds become milliseconds)', () => {
  const env = {
    TEST_WS_MAX_CONNECTIONS: '7',
    TEST_WS_MAX_PENDING: '6',
    TEST_WS_MAX_PER_ADDRESS: '5',
    TEST_WS_MAX_PAYLOAD_BYTES: '2048',
    TEST_WS_TIMEOUT: '0.5',
    TEST_WS_IDLE_TIMEOUT: '0',
    TEST_WS_MAX_BACKPRESSURE_BYTES: '65536',
    TEST_WS_SLOW_CONSUMER_GRACE: '2.5',
    TEST_WS_RATE_PER_S: '3',
    TEST_WS_RATE_BURST: '4',
    TEST_WS_PING_INTERVAL: '0.25',
  };
  expect(channelLimitsFrom('TEST', schema.parse(env))).toEqual({
    maxConnections: 7,
    maxPending: 6,
    maxPerAddress: 5,
    maxPayloadBytes: 2048,
    authTimeoutMs: 500,
    idleTimeoutS: 0,
    maxBackpressureBytes: 65536,
    slowConsumerGraceMs: 2500,
    messageRate: { perSecond: 3, burst: 4 },
    idlePingMs: 250,
  });
});

test.each([
  ['TEST_WS_MAX_CONNECTIONS', '0'],
  ['TEST_WS_MAX_PENDING', '0'],
  ['TEST_WS_MAX_PER_ADDRESS', '0'],
  ['TEST_WS_MAX_PAYLOAD_BYTES', '63'],
  ['TEST_WS_MAX_BACKPRESSURE_BYTES', '1023'],
  ['TEST_WS_SLOW_CONSUMER_GRACE', '0.04'],
  ['TEST_WS_SLOW_CONSUMER_GRACE', '61'],
  ['TEST_WS_TIMEOUT', '0.04'],
  ['TEST_WS_RATE_PER_S', '0'],
  ['TEST_WS_RATE_BURST', '0'],
  ['TEST_WS_IDLE_TIMEOUT', '961'],
  ['TEST_WS_MAX_CONNECTIONS', '1.5'],
])('refuses %s=%s', (name, value) => {
  const r = schema.safeParse({ [name]: value });
  expect(r.success).toBe(false);
  expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual([name]);
});

test.each([
  ['TEST_WS_MAX_PAYLOAD_BYTES', '64'],
  ['TEST_WS_MAX_BACKPRESSURE_BYTES', '1024'],
  ['TEST_WS_SLOW_CONSUMER_GRACE', '0.05'],
  ['TEST_WS_SLOW_CONSUMER_GRACE', '60'],
  ['TEST_WS_IDLE_TIMEOUT', '960'],
])('accepts the bound %s=%s', (name, value) => {
  expect(schema.safeParse({ [name]: value }).success).toBe(true);
});
