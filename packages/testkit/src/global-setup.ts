/**
 * Jest global setup of the integration project: starts (or finds) one NATS server and hands its
 * URL to every test worker through the environment, with whether a Docker engine answers.
 */
import { dockerAnswers, startNatsFixture, type NatsFixture } from './nats-fixture';

declare global {
  var __ARCP_NATS_FIXTURE__: NatsFixture | undefined;
}

export default async function globalSetup(): Promise<void> {
  // Tests that need the engine itself (describeWithDocker) read this.
  process.env.ARCP_TEST_DOCKER_ANSWERS = process.env.ARCP_TEST_DOCKER !== '0' && (await dockerAnswers()) ? '1' : '0';
  const fixture = await startNatsFixture();
  globalThis.__ARCP_NATS_FIXTURE__ = fixture;
  if (fixture.url) {
    process.env.NATS_URL = fixture.url;
    // Credentials in the URL are not printed.
    process.stdout.write(`\n[testkit] NATS for integration tests: ${fixture.url.replace(/\/\/[^@/]*@/, '//***@')} (${fixture.source})\n`);
  } else {
    process.env.ARCP_NATS_UNAVAILABLE = fixture.reason ?? 'unavailable';
    process.stderr.write(`\n[testkit] SKIPPING integration tests: ${fixture.reason}\n`);
  }
}
