/**
 * Every channel's limits end to end, on the standalone product and on the distributed topology
 * (one replica per service), each started with small caps and a small send buffer limit.
 */
import { describeWithNats, natsUrl } from '@arcp/testkit';
import { SuiteContext } from './context';
import { limitsEnv, limitsSuite } from './suite-limits';
import { startCluster, startStandaloneProduct, type Topology } from './topology';

describe('limits on the standalone product', () => {
  let topo: Topology;
  beforeAll(async () => {
    topo = await startStandaloneProduct(limitsEnv);
  }, 60_000);
  afterAll(async () => {
    await topo?.stop();
  });
  limitsSuite(new SuiteContext(() => topo));
});

describeWithNats('limits on the distributed topology', () => {
  let topo: Topology;
  beforeAll(async () => {
    topo = await startCluster(natsUrl(), 1, limitsEnv);
  }, 90_000);
  afterAll(async () => {
    await topo?.stop();
  });
  limitsSuite(new SuiteContext(() => topo));
});
