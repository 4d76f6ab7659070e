/**
 * @arcp/testkit — private test fixtures: the NATS server chain for integration tests and
 * per-file isolation helpers.
 */
export { startNatsServer, findNatsServerBinary, freePort, type RunningNatsServer, type StartNatsOptions } from '@arcp/cluster';
export { startNatsFixture, type NatsFixture, type NatsSource } from './nats-fixture';
export { uniquePrefix, natsUrl, describeWithNats, waitFor } from './helpers';
