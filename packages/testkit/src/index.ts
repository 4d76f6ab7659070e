/**
 * @arcp/testkit — private test fixtures: the NATS server chain for integration tests and
 * per-file isolation helpers.
 */
export { startNatsServer, findNatsServerBinary, freePort, type RunningNatsServer, type StartNatsOptions } from '@arcp/cluster';
export { startNatsFixture, dockerAnswers, type NatsFixture, type NatsSource } from './nats-fixture';
export { startNatsContainer, removeOrphans, NATS_IMAGE, type NatsContainerHandle } from './nats-container';
export { uniquePrefix, natsUrl, describeWithNats, describeWithDocker, waitFor } from './helpers';
