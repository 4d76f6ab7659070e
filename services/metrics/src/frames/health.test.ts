import { agentsStatus, overallHealth, storageHealth, type AgentsHealth } from './health';

const agentsPart = (total: number, active: number): AgentsHealth => ({
  total,
  active,
  status: agentsStatus(total, active),
  connectivity_ratio: total ? active / total : 0,
});

describe('agents health thresholds (as in the original ARCP server)', () => {
  it.each([
    [0, 0, 'no_agents'],
    [1, 1, 'healthy'],
    [1, 0, 'degraded'],
    [2, 2, 'healthy'],
    [2, 1, 'degraded'],
    [2, 0, 'critical'],
    [3, 2, 'degraded'],
    [3, 1, 'degraded'], // critical softened: someone alive and fewer than 10
    [3, 0, 'critical'],
    [4, 3, 'healthy'],
    [5, 2, 'degraded'],
    [10, 3, 'critical'], // ratio 0.3, fleet too big to soften
    [9, 3, 'degraded'], // ratio 0.33 critical, softened
    [20, 8, 'degraded'],
    [20, 15, 'healthy'],
  ])('%i agents with %i alive → %s', (total, active, expected) => {
    expect(agentsStatus(total, active)).toBe(expected);
  });
});

describe('overall health, first matching rule wins', () => {
  const ok = storageHealth('nats', 'connected');
  it.each([
    ['storage closed', storageHealth('nats', 'closed'), agentsPart(4, 4), 'unhealthy', 'Storage system failure'],
    ['no agent alive', ok, agentsPart(3, 0), 'unhealthy', 'No active agents available'],
    ['agents critical with some alive', ok, agentsPart(10, 3), 'degraded', 'Significant agent connectivity issues'],
    ['storage reconnecting', storageHealth('nats', 'reconnecting'), agentsPart(4, 4), 'degraded', 'Storage system degraded'],
    ['agents degraded only', ok, agentsPart(2, 1), 'healthy', 'System operational with minor issues'],
    ['no agents', ok, agentsPart(0, 0), 'healthy', 'All systems operational'],
    ['all good', ok, agentsPart(4, 4), 'healthy', 'All systems operational'],
  ])('%s', (_name, storage, agents, status, reason) => {
    expect(overallHealth(storage, agents)).toEqual({ status, reason });
  });

  it('reports the storage engine truthfully', () => {
    expect(storageHealth('nats', 'connected')).toEqual({ status: 'healthy', engine: 'nats-jetstream', connected: true });
    expect(storageHealth('memory', 'connected')).toEqual({ status: 'healthy', engine: 'memory', connected: true });
    expect(storageHealth('nats', 'reconnecting')).toEqual({ status: 'degraded', engine: 'nats-jetstream', connected: false });
  });
});
