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
export { startNatsFixture, dockerAnswers, type NatsFixture, type NatsSource } from './nats-fixture';
export { startNatsContainer, removeOrphans, NATS_IMAGE, type NatsContainerHandle } from './nats-container';
export { uniquePrefix, natsUrl, describeWithNats, describeWithNatsServer, describeWithDocker, waitFor } from './helpers';
