/**
 * NATS (JetStream) in a container through testcontainers, for when a Docker engine answers.
 *
 * Cleanup is ours, not Ryuk's: the Ryuk reaper is an image testcontainers pulls at the first
 * container, which fails wherever no image registry is reachable. So unless the environment
 * says otherwise (TESTCONTAINERS_RYUK_DISABLED=false), Ryuk is off; every container we start
 * carries an owner label (`host:pid` of the test run), the fixture stops and removes it, and a
 * container left behind by a run that died (Ctrl-C, a crash) is removed by the next run.
 */
import { hostname } from 'node:os';

/** The same image as docker-compose.yml's NATS. */
export const NATS_IMAGE = 'nats:2.10-alpine';
export const OWNER_LABEL = 'arcp.testkit.owner';

export interface NatsContainerHandle {
  readonly url: string;
  readonly id: string;
  stop(): Promise<void>;
}

/** This process as a container owner. */
export function ownerId(): string {
  return `${hostname()}:${process.pid}`;
}

/** Is this owner label the mark of a dead test run on this host? Malformed labels never are. */
export function isOrphanOwner(label: string | undefined, host = hostname(), alive: (pid: number) => boolean = pidAlive): boolean {
  const m = /^(.+):(\d+)$/.exec(label ?? '');
  if (!m || m[1] !== host) return false;
  const pid = Number(m[2]);
  return pid > 0 && !alive(pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ryuk stays off unless TESTCONTAINERS_RYUK_DISABLED is set explicitly (testcontainers reads it). */
export function applyRyukPolicy(env: NodeJS.ProcessEnv = process.env): 'ryuk' | 'own-cleanup' {
  if (env.TESTCONTAINERS_RYUK_DISABLED === undefined || env.TESTCONTAINERS_RYUK_DISABLED === '') env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  return env.TESTCONTAINERS_RYUK_DISABLED === 'true' ? 'own-cleanup' : 'ryuk';
}

/** Removes the containers of test runs on this host whose process is gone; returns their ids. */
export async function removeOrphans(): Promise<string[]> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const listed = await docker.listContainers({ all: true, filters: { label: [OWNER_LABEL] } });
  const orphans = listed.filter((c) => isOrphanOwner(c.Labels[OWNER_LABEL]));
  await Promise.all(orphans.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  return orphans.map((c) => c.Id);
}

/**
 * Starts `nats-server -js` in a container on a random host port and waits for "Server is
 * ready". No credentials, like the nats-server the PATH path spawns: the services take a plain
 * NATS_URL (nats.js refuses `user:pass@` in a server URL).
 */
export async function startNatsContainer(image = NATS_IMAGE): Promise<NatsContainerHandle> {
  applyRyukPolicy();
  await removeOrphans();
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(image)
    // The official image's entrypoint and Debian's nats-server both run `nats-server <args>`.
    .withCommand(['-js'])
    .withExposedPorts(4222)
    .withLabels({ [OWNER_LABEL]: ownerId() })
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .withStartupTimeout(60_000)
    .start();
  return {
    url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`,
    id: container.getId(),
    // testcontainers' stop also removes the container and its anonymous volumes.
    stop: async () => void (await container.stop()),
  };
}
