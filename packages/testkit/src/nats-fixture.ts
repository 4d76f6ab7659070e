/**
 * Chooses the NATS server for integration tests, in order: NATS_URL from the environment, a
 * testcontainers NATS container when a Docker engine answers, a nats-server spawned from PATH.
 * Under CI=true a missing NATS is an error; locally the integration tests skip with one message.
 */
import { startNatsServer, findNatsServerBinary } from '@arcp/cluster';

export type NatsSource = 'env' | 'testcontainers' | 'nats-server' | 'unavailable';

export interface NatsFixture {
  readonly url: string | null;
  readonly source: NatsSource;
  readonly reason?: string;
  stop(): Promise<void>;
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainer(): Promise<NatsFixture> {
  const { NatsContainer } = await import('@testcontainers/nats');
  const container = await new NatsContainer('nats:2.10-alpine').withJetStream().start();
  const { servers, user, pass } = container.getConnectionOptions();
  const hostPort = String(Array.isArray(servers) ? servers[0] : servers).replace(/^nats:\/\//, '');
  // Credentials travel in the URL so every consumer needs only NATS_URL.
  const auth = user ? `${encodeURIComponent(user)}:${encodeURIComponent(pass ?? '')}@` : '';
  const url = `nats://${auth}${hostPort}`;
  return { url, source: 'testcontainers', stop: async () => void (await container.stop()) };
}

export async function startNatsFixture(env: NodeJS.ProcessEnv = process.env): Promise<NatsFixture> {
  if (env.NATS_URL) return { url: env.NATS_URL, source: 'env', stop: async () => {} };
  if (env.ARCP_TEST_DOCKER !== '0' && (await dockerAnswers())) return startContainer();
  if (findNatsServerBinary(env)) {
    const server = await startNatsServer();
    return { url: server.url, source: 'nats-server', stop: () => server.stop() };
  }
  const reason = 'no NATS for integration tests: set NATS_URL, run a Docker engine, or install nats-server';
  if (env.CI === 'true') throw new Error(`${reason} (CI=true: refusing to skip)`);
  return { url: null, source: 'unavailable', reason, stop: async () => {} };
}
