/**
 * Jest global setup of the integration project: starts (or finds) one NATS server and hands its
 * URL to every test worker through the environment.
 */
import { startNatsFixture, type NatsFixture } from './nats-fixture';

declare global {
  var __ARCP_NATS_FIXTURE__: NatsFixture | undefined;
}

export default async function globalSetup(): Promise<void> {
  const fixture = await startNatsFixture();
  globalThis.__ARCP_NATS_FIXTURE__ = fixture;
  if (fixture.url) {
    process.env.NATS_URL = fixture.url;
    process.stdout.write(`\n[testkit] NATS for integration tests: ${fixture.url} (${fixture.source})\n`);
  } else {
    process.env.ARCP_NATS_UNAVAILABLE = fixture.reason ?? 'unavailable';
    process.stderr.write(`\n[testkit] SKIPPING integration tests: ${fixture.reason}\n`);
  }
}
