import { BusUnavailableError } from './errors';
import { type Availability, whenAvailable } from './nats-availability';

describe('whenAvailable', () => {
  it('goes on at once while online', async () => {
    await expect(whenAvailable(() => 'online', Date.now())).resolves.toBeUndefined();
  });

  it('fails at once while a single server is away', async () => {
    const started = Date.now();
    await expect(whenAvailable(() => 'offline', Date.now() + 10_000)).rejects.toBeInstanceOf(BusUnavailableError);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('waits for a failover to another node of a cluster', async () => {
    let state: Availability = 'failover';
    setTimeout(() => (state = 'online'), 200);
    const started = Date.now();
    await whenAvailable(() => state, Date.now() + 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('gives up on a failover that outlasts the bound', async () => {
    const started = Date.now();
    await expect(whenAvailable(() => 'failover', Date.now() + 300)).rejects.toBeInstanceOf(BusUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
