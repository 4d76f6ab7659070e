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
