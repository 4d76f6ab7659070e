import { CloseCodes } from '../codes';
import { formatIssues } from '../validation';
import { AlertDataSchema, hydrateAlert } from './dashboard-data';
import {
  DashboardAuthFailures,
  DashboardLogRequestSchema,
  DashboardOutboundFrameSchema,
  parseDashboardAuth,
  parseDashboardCommand,
} from './dashboard';

const TS = '2025-01-07T10:30:00.000000Z';

describe('parseDashboardAuth', () => {
  it.each([
    ['{"type":"auth","token":"t","fingerprint":"f"}', { ok: true, token: 't' }],
    ['ping', { ok: false, failure: 'invalid_json' }],
    ['[1]', { ok: false, failure: 'not_object' }],
    ['{"type":"ping"}', { ok: false, failure: 'auth_frame_required' }],
    ['{"token":"t"}', { ok: false, failure: 'auth_frame_required' }],
    ['{"type":"auth"}', { ok: false, failure: 'token_required' }],
    ['{"type":"auth","token":""}', { ok: false, failure: 'token_required' }],
    ['{"type":"auth","token":5}', { ok: false, failure: 'invalid_token' }],
  ])('%s', (text, expected) => {
    expect(parseDashboardAuth(text)).toEqual(expected);
  });

  it('maps failures to the contract close codes', () => {
    expect(DashboardAuthFailures.timeout).toEqual({ code: 4000, reason: 'Authentication timeout' });
    expect(DashboardAuthFailures.auth_frame_required.code).toBe(CloseCodes.DASHBOARD_UNAUTHORIZED);
    expect(DashboardAuthFailures.forbidden).toEqual({ code: 4003, reason: 'Admin role required' });
  });
});

describe('parseDashboardCommand', () => {
  it.each(['ping', 'pause_monitoring', 'resume_monitoring', 'refresh_request', 'agents_request', 'clear_logs', 'clear_alerts'])(
    'accepts %s',
    (type) => {
      expect(parseDashboardCommand({ type, extra: true })).toMatchObject({ ok: true, command: { type } });
    },
  );

  it('normalises a dashboard_log request', () => {
    const r = parseDashboardCommand({
      type: 'dashboard_log',
      data: { level: ' warning ', message: '  hi  ', timestamp: '2025-01-07T10:30:00' },
    });
    expect(r).toMatchObject({ ok: true, command: { data: { level: 'WARN', message: 'hi', timestamp: '2025-01-07T10:30:00' } } });
  });

  it.each([
    [{ level: 'debug', message: 'x', timestamp: TS }, 'data.level'],
    [{ level: 'INFO', message: '   ', timestamp: TS }, 'data.message'],
    [{ level: 'INFO', message: 'x' }, 'data.timestamp'],
    [{ level: 'INFO', message: 'x', timestamp: 'yesterday' }, 'data.timestamp'],
  ])('rejects dashboard_log data %j at %s', (data, path) => {
    const r = parseDashboardCommand({ type: 'dashboard_log', data });
    expect(r).toMatchObject({ ok: false, reason: 'invalid', type: 'dashboard_log' });
    if (!r.ok) expect(r.error).toContain(path);
  });

  it('accepts the level aliases case-insensitively', () => {
    const levels = ['information', 'Success', 'WARNING', 'critical', 'error', 'sucs'].map(
      (level) => DashboardLogRequestSchema.parse({ level, message: 'm', timestamp: TS }).level,
    );
    expect(levels).toEqual(['INFO', 'SUCS', 'WARN', 'CRIT', 'ERR', 'SUCS']);
  });

  it('accepts dashboard_alert as one alert or a list, requiring message or title', () => {
    expect(parseDashboardCommand({ type: 'dashboard_alert', data: { title: 'T' } }).ok).toBe(true);
    expect(parseDashboardCommand({ type: 'dashboard_alert', data: { alerts: [{ message: 'm' }] } }).ok).toBe(true);
    expect(parseDashboardCommand({ type: 'dashboard_alert', data: { severity: 'info' } })).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses an alert that carries an `alerts` member which is not a list of alerts (found by the fuzz test)', () => {
    for (const alerts of [['1&~~iw-'], 'x', [{ severity: 'info' }], {}]) {
      expect(parseDashboardCommand({ type: 'dashboard_alert', data: { alerts, message: 'looks like one alert' } })).toMatchObject({
        ok: false,
        reason: 'invalid',
      });
    }
  });

  it('classifies unknown types and non-objects', () => {
    expect(parseDashboardCommand({ type: 'auth', token: 'x' })).toMatchObject({ ok: false, reason: 'unknown_type', type: 'auth' });
    expect(parseDashboardCommand({})).toMatchObject({ ok: false, reason: 'unknown_type', type: 'None' });
    expect(parseDashboardCommand([1])).toMatchObject({ ok: false, reason: 'not_object' });
  });
});

describe('dashboard outbound schemas', () => {
  it('reject a zoneless or missing envelope timestamp', () => {
    const frame = { type: 'pause_ack', timestamp: '2025-01-07T10:30:00', data: { status: 'paused' } };
    const r = DashboardOutboundFrameSchema.safeParse(frame);
    expect(!r.success && formatIssues(r.error)).toContain('timestamp');
    expect(DashboardOutboundFrameSchema.safeParse({ ...frame, timestamp: undefined }).success).toBe(false);
  });

  it('accept error acks and reject wrong ack payloads', () => {
    const ack = (type: string, data: unknown) => DashboardOutboundFrameSchema.safeParse({ type, timestamp: TS, data }).success;
    expect(ack('refresh_ack', { status: 'error', message: 'Refresh failed: boom' })).toBe(true);
    expect(ack('resume_ack', { status: 'resumed' })).toBe(true);
    expect(ack('resume_ack', { status: 'paused' })).toBe(false);
    expect(ack('clear_logs_ack', { status: 'completed', message: 'Fresh data sent' })).toBe(false);
  });

  it('accept both alert shapes', () => {
    const live = { severity: 'critical', message: 'No agents', type: 'agent_connectivity', details: { active: 0 } };
    expect(AlertDataSchema.safeParse({ alerts: [live, hydrateAlert(live, TS, 'a1')] }).success).toBe(true);
    expect(AlertDataSchema.safeParse({ alerts: [{ ...live, severity: 'fatal' }] }).success).toBe(false);
  });
});

describe('hydrateAlert', () => {
  it('defaults the title from the type and lower-cases severity and type', () => {
    expect(hydrateAlert({ message: 'm', severity: 'WARNING', type: 'Resource_CPU' }, TS)).toEqual({
      id: null,
      title: 'Resource cpu',
      message: 'm',
      severity: 'warning',
      type: 'resource_cpu',
      timestamp: TS,
    });
  });

  it('keeps a given id, title and zoned timestamp; unknown severities become info', () => {
    const a = hydrateAlert({ id: 'x', title: 'T', message: 'm', severity: 'fatal', timestamp: '2024-01-01T00:00:00Z' }, TS);
    expect(a).toMatchObject({ id: 'x', title: 'T', severity: 'info', timestamp: '2024-01-01T00:00:00Z' });
  });
});
