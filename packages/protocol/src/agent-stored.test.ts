import { directoryKey, effectiveStatus, parseDirectoryKey } from './agent-stored';

describe('directory keys', () => {
  it('names each record of an agent by its prefix, and reads it back', () => {
    expect(directoryKey('registration', 'a1')).toBe('reg.a1');
    expect(directoryKey('liveness', 'a1')).toBe('live.a1');
    expect(directoryKey('metrics', 'a1')).toBe('metrics.a1');
    for (const kind of ['registration', 'liveness', 'metrics'] as const) {
      expect(parseDirectoryKey(directoryKey(kind, 'agent_1-x'))).toEqual({ kind, agentId: 'agent_1-x' });
    }
  });

  it('reads a key without a dot as a legacy whole-agent record', () => {
    expect(parseDirectoryKey('a1')).toEqual({ kind: 'legacy', agentId: 'a1' });
  });

  it.each(['reg.', 'live.a.b', 'other.a1', '.a1', 'regx.a1'])('recognises nothing in %j', (key) => {
    expect(parseDirectoryKey(key)).toBeUndefined();
  });
});

describe('effectiveStatus', () => {
  const now = Date.parse('2025-09-07T21:00:10Z');
  it('is dead when stored dead, when last_seen is not newer than the timeout, or unreadable', () => {
    expect(effectiveStatus({ status: 'alive', last_seen: '2025-09-07T21:00:05Z' }, now, 10_000)).toBe('alive');
    expect(effectiveStatus({ status: 'alive', last_seen: '2025-09-07T21:00:00Z' }, now, 10_000)).toBe('dead');
    expect(effectiveStatus({ status: 'dead', last_seen: '2025-09-07T21:00:09Z' }, now, 10_000)).toBe('dead');
    expect(effectiveStatus({ status: 'alive', last_seen: 'yesterday' }, now, 10_000)).toBe('dead');
  });
});
