/**
 * @arcp/testkit — private test fixtures: the NATS server chain for integration tests and
 * per-file isolation helpers.
 */
export {
  startNatsServer,
  startNatsCluster,
  findNatsServerBinary,
  freePort,
  type RunningNatsServer,
  type StartNatsOptions,
  type RunningNatsCluster,
  type NatsClusterNode,
} from '@arcp/cluster';
export { startNatsFixture, type NatsFixture, type NatsSource } from './nats-fixture';
export { uniquePrefix, natsUrl, describeWithNats, describeWithNatsServer, waitFor } from './helpers';
