import { subjects } from './subjects';

describe('subjects', () => {
  it('derives every name from the prefix', () => {
    const s = subjects('t1.x');
    expect(s.directoryChanged).toBe('t1.x.dir.changed');
    expect(s.dashboardFrame('logs')).toBe('t1.x.dash.frame.logs');
    expect(s.agentsBucket).toBe('t1_x_agents');
  });

  it('names every subject, queue, bucket and stream of the prefix', () => {
    const { dashboardFrame, ...names } = subjects('t1.x');
    expect(dashboardFrame('monitoring')).toBe('t1.x.dash.frame.monitoring');
    expect(names).toEqual({
      prefix: 't1.x',
      directoryChanged: 't1.x.dir.changed',
      revocations: 't1.x.revoke.credential',
      logEvents: 't1.x.events.log',
      telemetry: 't1.x.telemetry',
      dashboardFrames: 't1.x.dash.frame.*',
      dashboardCommands: 't1.x.dash.cmd',
      dashboardCommandsQueue: 't1_x_dash_cmd',
      logEventsQueue: 't1_x_events_log',
      agentsBucket: 't1_x_agents',
      revokedBucket: 't1_x_revoked',
      leasesBucket: 't1_x_leases',
      registryBucket: 't1_x_registry',
      logsStream: 't1_x_logs',
      logsStored: 't1.x.store.logs',
      alertsStream: 't1_x_alerts',
      alertsStored: 't1.x.store.alerts',
    });
  });

  it.each(['', 'a b', 'a..b', 'a.*', 'a.>'])('rejects the unsafe prefix %j', (prefix) => {
    expect(() => subjects(prefix)).toThrow(/invalid bus prefix/);
  });
});
