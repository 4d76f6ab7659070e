/**
 * @arcp/cluster: the product as local processes. `startLocalCluster` (nats-server, registry,
 * metrics, N replicas per channel, the nginx edge) behind `pnpm start:cluster` and the
 * end-to-end suites, and the process primitives the benchmarks and tests share (spawning the
 * services' entry points, nats-server, free ports, readiness waits).
 */
export { startLocalCluster, type ClusterOptions, type ClusterProcess, type LocalCluster } from './cluster';
export { startEdge, renderEdgeConfig, writeEdgeConfig, findNginx, upstreamName, type EdgeConfigOptions, type EdgeTargets } from './edge';
export { startNatsServer, findNatsServerBinary, type RunningNatsServer, type StartNatsOptions } from './nats';
export { spawnManaged, waitHttpOk, freePort, findBinary, type ManagedProc, type SpawnOptions } from './process';
export { spawnEntry, serviceEntry, ROOT, type ServiceSpawnOptions } from './service';
