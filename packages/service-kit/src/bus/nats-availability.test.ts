import { BusUnavailableError } from './errors';
import { type Availability, whenAvailable } from './nats-availability';

describe('whenAvailable', () => {
  afterEach(() => jest.useRealTimers());

  it('goes on at once while online', async () => {
    await expect(whenAvailable(() => 'online', Date.now())).resolves.toBeUndefined();
  });

  it('fails at once while a single server is away', async () => {
    const started = Date.now();
    await expect(whenAvailable(() => 'offline', Date.now() + 10_000)).rejects.toBeInstanceOf(BusUnavailableError);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('waits for a failover to another node of a cluster', async () => {
    jest.useFakeTimers();
    let state: Availability = 'failover';
    let settled = false;
    const waiting = whenAvailable(() => state, Date.now() + 5000).finally(() => (settled = true));
    await jest.advanceTimersByTimeAsync(1000);
    expect(settled).toBe(false);
    state = 'online';
    await jest.advanceTimersByTimeAsync(50); // the next look
    expect(settled).toBe(true);
    await expect(waiting).resolves.toBeUndefined();
  });

  it('gives up on a failover that outlasts the bound', async () => {
    jest.useFakeTimers();
    const started = Date.now();
    const waiting = whenAvailable(() => 'failover', started + 300);
    let failedAt = 0;
    waiting.catch(() => (failedAt = Date.now()));
    await jest.advanceTimersByTimeAsync(5000);
    await expect(waiting).rejects.toBeInstanceOf(BusUnavailableError);
    // Not after the bound: the last look is the one after which another would pass it.
    expect(failedAt - started).toBeGreaterThan(200);
    expect(failedAt - started).toBeLessThanOrEqual(300);
  });
});
