import { storedAgent } from './test-support/agents';
import * as z from 'zod';
import { decodeJson, decodeJsonOr, encodeJson } from './json';
import {
  DashboardCommandRequestSchema,
  DirectoryEventSchema,
  LogEntrySchema,
  logEntry,
  RevocationEventSchema,
  TelemetryEventSchema,
} from './events';

const AT = '2025-09-07T21:28:48.934468Z';

describe('encodeJson / decodeJson', () => {
  it('round-trips a directory event with its agent', () => {
    const event = { kind: 'registered', agent_id: 'demo-agent-001', agent_type: 'testing', at: AT, agent: storedAgent() };
    expect(decodeJson(DirectoryEventSchema, encodeJson(event))).toEqual({ ok: true, value: event });
  });

  it('never throws: bad UTF-8, bad JSON and bad shapes are errors', () => {
    expect(decodeJson(DirectoryEventSchema, new Uint8Array([0xff, 0xfe]))).toMatchObject({
      ok: false,
      error: expect.stringContaining('not JSON'),
    });
    expect(decodeJson(DirectoryEventSchema, encodeJson('x').subarray(0, 2))).toMatchObject({ ok: false });
    const r = decodeJson(DirectoryEventSchema, encodeJson({ kind: 'exploded', agent_id: 'a', agent_type: 't', at: AT }));
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('kind') });
  });

  it('turns a throwing schema transform into an error, not a throw', () => {
    const exploding = z.string().transform(() => {
      throw new Error('transform bug');
    });
    expect(decodeJson(exploding, encodeJson('x'))).toEqual({ ok: false, error: 'invalid: transform bug' });
  });

  it('decodeJsonOr gives the value, or undefined for what does not decode', () => {
    expect(decodeJsonOr(z.number(), encodeJson(3))).toBe(3);
    expect(decodeJsonOr(z.number(), encodeJson('3'))).toBeUndefined();
  });
});

describe('event schemas', () => {
  it('RevocationEvent needs a subject and a positive expiry', () => {
    expect(RevocationEventSchema.safeParse({ kind: 'admin', subject: 'ARCP', jti: 'j1', until: 1757280528.5 }).success).toBe(true);
    expect(RevocationEventSchema.safeParse({ kind: 'agent', subject: '', until: 1 }).success).toBe(false);
    expect(RevocationEventSchema.safeParse({ kind: 'user', subject: 's', until: 1 }).success).toBe(false);
  });

  it('LogEntry upper-cases the level, cuts long messages and keeps extra keys', () => {
    const entry = LogEntrySchema.parse({ timestamp: AT, level: 'warn', message: 'x'.repeat(3000), source: 'auth', client_ip: '127.0.0.1' });
    expect(entry.level).toBe('WARN');
    expect(entry.message).toHaveLength(2048);
    expect(entry.message.endsWith('x...')).toBe(true);
    expect(entry.client_ip).toBe('127.0.0.1');
    expect(LogEntrySchema.parse({ ...entry, message: 'x'.repeat(2048) }).message).toHaveLength(2048);
  });

  it('logEntry builds a valid entry where core keys win over extras', () => {
    const entry = logEntry('info', 'hello', 'dashboard', { level: 'CRIT', agent_id: 'a' }, AT);
    expect(entry).toEqual({ level: 'INFO', agent_id: 'a', timestamp: AT, message: 'hello', source: 'dashboard' });
    expect(LogEntrySchema.safeParse(entry).success).toBe(true);
  });

  it('TelemetryEvent checks role and non-negative gauges', () => {
    const beat = {
      instance: 'gw-1',
      role: 'gateway-public',
      at: AT,
      cpu_percent: 3,
      memory_bytes: 1e8,
      memory_percent: 2,
      event_loop_lag_ms: 0.4,
      connections: 10,
      requests: 3,
      errors: 0,
      response_time_sum_s: 0.02,
      interval_s: 5,
    };
    expect(TelemetryEventSchema.safeParse(beat).success).toBe(true);
    expect(TelemetryEventSchema.safeParse({ ...beat, role: 'database' }).success).toBe(false);
    expect(TelemetryEventSchema.safeParse({ ...beat, connections: -1 }).success).toBe(false);
  });

  it('DashboardCommandRequest accepts only service-side commands', () => {
    expect(DashboardCommandRequestSchema.safeParse({ command: 'clear_logs' }).success).toBe(true);
    expect(DashboardCommandRequestSchema.safeParse({ command: 'pause_monitoring' }).success).toBe(false);
  });
});
