import { subjects } from './subjects';

describe('subjects', () => {
  it('derives every name from the prefix', () => {
    const s = subjects('t1.x');
    expect(s.directoryChanged).toBe('t1.x.dir.changed');
    expect(s.dashboardFrame('logs')).toBe('t1.x.dash.frame.logs');
    expect(s.agentsBucket).toBe('t1_x_agents');
  });

  it.each(['', 'a b', 'a..b', 'a.*', 'a.>'])('rejects the unsafe prefix %j', (prefix) => {
    expect(() => subjects(prefix)).toThrow(/invalid bus prefix/);
  });
});
