import { childEnv, secretsFor } from './child-env';

const ALL = {
  JWT_SECRET: 'j'.repeat(32),
  ADMIN_USERNAME: 'ops',
  ADMIN_PASSWORD: 'pw',
  AGENT_KEYS: 'k1,k2',
  NATS_URL: 'nats://x',
  LOG_LEVEL: 'info',
};
const secretsIn = (env: Record<string, string | undefined>) =>
  Object.keys(env)
    .filter((k) => k in ALL && !['NATS_URL', 'LOG_LEVEL'].includes(k))
    .sort();

describe('childEnv', () => {
  it('gives each service only the secrets it reads, and every other setting', () => {
    expect(secretsIn(childEnv('registry', ALL))).toEqual(['ADMIN_PASSWORD', 'ADMIN_USERNAME', 'AGENT_KEYS', 'JWT_SECRET']);
    expect(secretsIn(childEnv('gateway-agents', ALL))).toEqual(['JWT_SECRET']);
    expect(secretsIn(childEnv('gateway-dashboard', ALL))).toEqual(['JWT_SECRET']);
    expect(secretsIn(childEnv('gateway-public', ALL))).toEqual([]);
    expect(secretsIn(childEnv('metrics', ALL))).toEqual([]);
    for (const service of ['registry', 'metrics', 'gateway-public']) {
      expect(childEnv(service, ALL)).toMatchObject({ NATS_URL: 'nats://x', LOG_LEVEL: 'info' });
    }
  });

  it('keeps the values it passes on unchanged', () => {
    expect(childEnv('gateway-agents', ALL).JWT_SECRET).toBe(ALL.JWT_SECRET);
    expect(childEnv('registry', ALL)).toEqual(ALL);
  });

  it('gives an unknown service no secret', () => {
    expect(secretsFor('something-else')).toEqual([]);
  });
});
