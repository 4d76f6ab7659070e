/** The end-to-end suite against the standalone product (`pnpm start`): one process, one port. */
import { productSuite, startStandaloneProduct, type Topology } from './index';

let topo: Topology;
beforeAll(async () => {
  topo = await startStandaloneProduct();
}, 60_000);
afterAll(async () => {
  await topo?.stop();
});

describe('standalone product', () => {
  productSuite(() => topo);
});

describe('one instance per port', () => {
  it('a second standalone process on a taken port exits with one clear line, and the first keeps serving', async () => {
    const { freePort, serviceEntry, spawnEntry } = await import('@arcp/cluster');
    const port = new URL(topo.http).port;
    const second = spawnEntry('second', serviceEntry('standalone'), {
      env: { ...process.env, ...topo.env, ARCP_PORT: port, ARCP_HOST: '127.0.0.1', OPS_PORT: String(await freePort()), CI: undefined },
    });
    expect(await second.exited).toBe(1);
    const lines = second
      .output()
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('arcp:'));
    expect(lines).toEqual([
      `arcp: cannot listen on 127.0.0.1:${port}: the port is in use or the address is not this host's (ARCP_PORT, ARCP_HOST)`,
    ]);
    expect((await fetch(`${topo.http}/health`)).status).toBe(200);
  });
});
