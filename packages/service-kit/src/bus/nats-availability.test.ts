import { BusUnavailableError } from './errors';
import { type Availability, ConnectionState, whenAvailable } from './nats-availability';

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

describe('ConnectionState', () => {
  /** A connection whose server INFO the test sets, as nats.js's `info` would show it. */
  function connection(info: { cluster?: string } | undefined) {
    const server = { info };
    return { server, state: new ConnectionState(() => server.info) };
  }

  it('is online while connected, whatever the server is', () => {
    expect(connection({ cluster: 'c' }).state.availability()).toBe('online');
    expect(connection({}).state.availability()).toBe('online');
  });

  it('fails over while dialing the next node of a cluster, when the connection has forgotten its INFO', () => {
    const { server, state } = connection({ cluster: 'c' });
    expect(state.observe('disconnect')).toBe('lost');
    server.info = undefined; // nats.js clears it when it starts a dial
    expect(state.observe('reconnecting')).toBeUndefined();
    expect(state.status).toBe('reconnecting');
    expect(state.availability()).toBe('failover');
  });

  it('is offline while a single server is away', () => {
    const { server, state } = connection({});
    state.observe('disconnect');
    server.info = undefined;
    expect(state.availability()).toBe('offline');
  });

  it('learns on reconnect what the new server is', () => {
    const { server, state } = connection({ cluster: 'c' });
    state.observe('disconnect');
    server.info = {}; // came back to a server outside any cluster
    expect(state.observe('reconnect')).toBe('regained');
    expect(state.availability()).toBe('online');
    expect(state.isClustered).toBe(false);
    state.observe('disconnect');
    expect(state.availability()).toBe('offline');
  });

  it('stays closed whatever the status events say after', () => {
    const { state } = connection({ cluster: 'c' });
    state.close();
    state.observe('disconnect');
    state.observe('reconnect');
    expect(state.status).toBe('closed');
    expect(state.availability()).toBe('offline');
    expect(state.observe('pingTimer')).toBeUndefined();
  });
});
