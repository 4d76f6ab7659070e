/**
 * The testcontainers path of the NATS fixture on a real engine: JetStream answers through the
 * URL it gives, the container is ours (owner label) and gone after stop, and a container of a
 * dead test run is swept while live and foreign ones stay.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { connect } from 'nats';
import { getContainerRuntimeClient } from 'testcontainers';
import { describeWithDocker } from './helpers';
import { NATS_IMAGE, OWNER_LABEL, ownerId, removeOrphans, startNatsContainer } from './nats-container';

const docker = async () => (await getContainerRuntimeClient()).container.dockerode;
const exists = async (id: string) => (await (await docker()).listContainers({ all: true, filters: { id: [id] } })).length > 0;

describeWithDocker('NATS through testcontainers', () => {
  it('runs JetStream, labels the container with this run, and removes it on stop', async () => {
    const nats = await startNatsContainer();
    try {
      const nc = await connect({ servers: nats.url });
      const info = await (await nc.jetstreamManager()).getAccountInfo();
      expect(info.streams).toBeGreaterThanOrEqual(0);
      await nc.close();
      const inspected = await (await docker()).getContainer(nats.id).inspect();
      expect(inspected.Config.Labels[OWNER_LABEL]).toBe(ownerId());
    } finally {
      await nats.stop();
    }
    expect(await exists(nats.id)).toBe(false);
  }, 60_000);

  it('sweeps the container of a dead run and keeps the others', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const d = await docker();
    const make = (owner: string) => d.createContainer({ Image: NATS_IMAGE, Labels: { [OWNER_LABEL]: owner } });
    const [dead, live, foreign, malformed] = await Promise.all([
      make(`${hostname()}:${deadPid}`),
      make(ownerId()),
      make(`elsewhere:${deadPid}`),
      make('garbage'),
    ]);
    try {
      const removed = await removeOrphans();
      expect(removed).toContain(dead.id);
      expect(await exists(dead.id)).toBe(false);
      for (const kept of [live, foreign, malformed]) {
        expect(removed).not.toContain(kept.id);
        expect(await exists(kept.id)).toBe(true);
      }
    } finally {
      await Promise.all([dead, live, foreign, malformed].map((c) => c.remove({ force: true }).catch(() => undefined)));
    }
  }, 60_000);
});
