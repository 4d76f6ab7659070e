/**
 * @arcp/e2e: the end-to-end suite and the topologies it runs against (the distributed services
 * as separate processes, and the standalone product).
 */
import { SuiteContext, type SuiteOptions } from './context';
import { agentsChannelSuite } from './suite-agents';
import { consistencySuite } from './suite-consistency';
import { dashboardChannelSuite } from './suite-dashboard';
import { livenessSuite } from './suite-liveness';
import { publicChannelSuite } from './suite-public';
import { tokensSuite } from './suite-tokens';
import type { Topology } from './topology';

export { startCluster, startStandaloneProduct, suiteEnv, type Topology, type Channel } from './topology';
export { describeWithEdge, startEdgeCluster, type EdgeTopology } from './edge';
export { TestClient } from './ws-client';
export { SuiteContext, idsOf, type SuiteOptions } from './context';
export * from './http';

/** Every frame, command and error of the three channels, against whatever `topology()` is. */
export function productSuite(topology: () => Topology, opts: SuiteOptions = {}): SuiteContext {
  const ctx = new SuiteContext(topology, opts);
  publicChannelSuite(ctx);
  agentsChannelSuite(ctx);
  dashboardChannelSuite(ctx);
  livenessSuite(ctx);
  consistencySuite(ctx);
  tokensSuite(ctx);
  return ctx;
}
