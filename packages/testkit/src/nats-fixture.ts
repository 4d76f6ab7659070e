/**
 * Chooses the NATS server for integration tests, in order: NATS_URL from the environment, a
 * testcontainers NATS container when a Docker engine answers (ARCP_TEST_DOCKER=0 skips it), a
 * nats-server spawned from PATH. The tests are the same whichever answers. Under CI=true a
 * missing NATS is an error; locally the integration tests skip with one message.
 */
import { startNatsServer, findNatsServerBinary } from '@arcp/cluster';
import { startNatsContainer } from './nats-container';

export type NatsSource = 'env' | 'testcontainers' | 'nats-server' | 'unavailable';

export interface NatsFixture {
  readonly url: string | null;
  readonly source: NatsSource;
  readonly reason?: string;
  stop(): Promise<void>;
}

/** True when testcontainers finds a Docker engine that answers. */
export async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainer(): Promise<NatsFixture> {
  const container = await startNatsContainer();
  return { url: container.url, source: 'testcontainers', stop: container.stop };
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
