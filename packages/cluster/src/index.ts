/**
 * @arcp/cluster: the product as local processes. `startLocalCluster` (nats-server or a JetStream
 * cluster of them, registry, metrics, N replicas per channel, the nginx edge) behind
 * `pnpm start:cluster` and the end-to-end suites, and the process primitives the benchmarks and
 * tests share (spawning the services' entry points, nats-server, free ports, readiness waits).
 */
export { startLocalCluster, type ClusterOptions, type ClusterProcess, type LocalCluster } from './cluster';
export { childEnv, secretsFor, CLUSTER_SECRETS, type ClusterSecret } from './child-env';
export {
  Supervisor,
  restartDelay,
  DEFAULT_RESTART_POLICY,
  type BackoffPolicy,
  type SupervisedUnit,
  type SupervisorOptions,
} from './supervisor';
export { startEdge, renderEdgeConfig, writeEdgeConfig, findNginx, upstreamName, type EdgeConfigOptions, type EdgeTargets } from './edge';
export {
  startNatsServer,
  findNatsServerBinary,
  renderNatsConfig,
  type RunningNatsServer,
  type StartNatsOptions,
  type NatsNodeConfig,
} from './nats';
export { startNatsCluster, type RunningNatsCluster, type NatsClusterNode, type StartNatsClusterOptions } from './nats-cluster';
export { spawnManaged, waitHttpOk, freePort, findBinary, type ManagedProc, type SpawnOptions } from './process';
export { spawnEntry, serviceEntry, ROOT, type ServiceSpawnOptions } from './service';
