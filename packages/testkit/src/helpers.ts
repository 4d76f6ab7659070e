/**
 * Per-test-file isolation and small waiting helpers shared by integration tests.
 */
import { randomBytes } from 'node:crypto';
import { findNatsServerBinary } from '@arcp/cluster';

/** A NATS- and KV-safe prefix unique to one test file, so files never see each other's data. */
export function uniquePrefix(name: string): string {
  const token = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 24);
  return `t_${token}_${randomBytes(4).toString('hex')}`;
}

/** The NATS URL chosen by the global setup; throws when integration tests have no NATS. */
export function natsUrl(): string {
  const url = process.env.NATS_URL;
  if (!url) throw new Error(process.env.ARCP_NATS_UNAVAILABLE ?? 'NATS_URL is not set: run through the integration Jest project');
  return url;
}

/** `describe` when a NATS server is available, otherwise a skipped `describe` (never under CI). */
export function describeWithNats(name: string, fn: () => void): void {
  if (process.env.NATS_URL) describe(name, fn);
  else describe.skip(`${name} (no NATS: ${process.env.ARCP_NATS_UNAVAILABLE ?? 'NATS_URL unset'})`, fn);
}

/**
 * `describe` when the nats-server binary is installed (suites that start their own servers, such
 * as a JetStream cluster); a clear skip without it, and a failure under CI=true.
 */
export function describeWithNatsServer(name: string, fn: () => void): void {
  if (findNatsServerBinary()) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has nats-server installed', () => {
        throw new Error('nats-server is not installed (PATH, /usr/sbin); CI=true refuses to skip: .ci/run installs it');
      });
    });
  } else {
    describe.skip(`${name} (nats-server not installed: apt-get install nats-server)`, fn);
  }
}

/**
 * `describe` when the integration setup found a Docker engine (ARCP_TEST_DOCKER_ANSWERS=1).
 * Without one: a skip that says so, or under CI=true a failing test, unless ARCP_TEST_DOCKER=0
 * opts out of Docker explicitly.
 */
export function describeWithDocker(name: string, fn: () => void): void {
  if (process.env.ARCP_TEST_DOCKER_ANSWERS === '1') describe(name, fn);
  else if (process.env.CI === 'true' && process.env.ARCP_TEST_DOCKER !== '0') {
    describe(name, () => {
      it('has a Docker engine', () => {
        throw new Error('no Docker engine answers and CI=true refuses to skip: start one (.ci/run does), or set ARCP_TEST_DOCKER=0');
      });
    });
  } else describe.skip(`${name} (no Docker engine${process.env.ARCP_TEST_DOCKER === '0' ? ': ARCP_TEST_DOCKER=0' : ''})`, fn);
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 25));
  }
  throw new Error(`timed out waiting for ${opts.what ?? 'condition'} (last value: ${JSON.stringify(last)})`);
}
