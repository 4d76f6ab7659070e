import { startNatsFixture } from './nats-fixture';
import { uniquePrefix, waitFor } from './helpers';
import { findNatsServerBinary, startNatsServer } from '@arcp/cluster';
import { createConnection } from 'node:net';

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('NATS fixture chain', () => {
  it('uses NATS_URL when it is set, without starting anything', async () => {
    const f = await startNatsFixture({ NATS_URL: 'nats://10.0.0.1:4999' });
    expect(f).toMatchObject({ url: 'nats://10.0.0.1:4999', source: 'env' });
  });

  it('fails under CI=true when no NATS can be found', async () => {
    await expect(
      startNatsFixture({ CI: 'true', PATH: '/nonexistent', ARCP_TEST_DOCKER: '0', NATS_BIN_DIRS: '' } as NodeJS.ProcessEnv),
    ).rejects.toThrow(/refusing to skip/);
  });

  it('reports unavailable (to skip loudly) outside CI', async () => {
    const f = await startNatsFixture({ PATH: '/nonexistent', ARCP_TEST_DOCKER: '0', NATS_BIN_DIRS: '' } as NodeJS.ProcessEnv);
    expect(f.source).toBe('unavailable');
    expect(f.url).toBeNull();
  });

  const withBinary = findNatsServerBinary() ? it : it.skip;
  withBinary('spawns nats-server on a free port and stops it', async () => {
    const server = await startNatsServer();
    expect(await connects(server.port)).toBe(true);
    await server.stop();
    await waitFor(async () => !(await connects(server.port)), { what: 'port closed' });
  });
});

describe('uniquePrefix', () => {
  it('is NATS-safe and differs per call', () => {
    const a = uniquePrefix('bus contract.test');
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(uniquePrefix('bus contract.test')).not.toBe(a);
  });
});
