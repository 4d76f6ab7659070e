import { ErrorCode, NatsError } from 'nats';
import { BusUnavailableError } from './errors';
import { type Availability } from './nats-availability';
import { retrySetup, retryWrite } from './nats-retry';

const timeout = () => new NatsError('TIMEOUT', ErrorCode.Timeout);
const noResponders = () => new NatsError('503', ErrorCode.NoResponders);
const conflict = () =>
  Object.assign(new NatsError('wrong last sequence', ErrorCode.JetStreamInvalidAck), {
    api_error: { code: 400, err_code: 10071, description: 'wrong last sequence' },
  });

/** An operation that fails with the given errors, in turn, then answers `ok`. */
function failing(...errors: Array<() => Error>) {
  const calls: number[] = [];
  return {
    calls,
    op: async (t?: number) => {
      calls.push(t ?? 0);
      const next = errors.shift();
      if (next) throw next();
      return 'ok';
    },
  };
}

describe('retryWrite', () => {
  const online = (): Availability => 'online';

  it('sends a write again while no stream leader answers or the ack times out', async () => {
    const f = failing(noResponders, timeout, noResponders);
    await expect(retryWrite(f.op, 5000, online)).resolves.toBe('ok');
    expect(f.calls).toHaveLength(4);
    // Each attempt gets a bounded wait of its own, within what is left of the bound.
    for (const t of f.calls) expect(t).toBeLessThanOrEqual(2500);
  });

  it('does not send again a write that was refused (a compare-and-set conflict)', async () => {
    const f = failing(conflict);
    await expect(retryWrite(f.op, 5000, online)).rejects.toMatchObject({ api_error: { err_code: 10071 } });
    expect(f.calls).toHaveLength(1);
  });

  it('gives up at the bound, and makes one attempt with a bound of 0', async () => {
    const always = { op: async () => Promise.reject(noResponders()) };
    const started = Date.now();
    await expect(retryWrite(always.op, 600, online)).rejects.toMatchObject({ code: ErrorCode.NoResponders });
    expect(Date.now() - started).toBeLessThan(2000);
    const once = failing(noResponders);
    await expect(retryWrite(once.op, 0, online)).rejects.toMatchObject({ code: ErrorCode.NoResponders });
    expect(once.calls).toHaveLength(1);
  });

  it('fails at once while a lone server is away', async () => {
    const f = failing();
    await expect(retryWrite(f.op, 5000, () => 'offline')).rejects.toBeInstanceOf(BusUnavailableError);
    expect(f.calls).toHaveLength(0);
  });
});

describe('retrySetup', () => {
  it('tries a JetStream setup call again while it times out', async () => {
    const f = failing(timeout, timeout);
    await expect(retrySetup(f.op, 10_000)).resolves.toBe('ok');
    expect(f.calls).toHaveLength(3);
  });

  it('passes any other error on at once, and gives up at the bound', async () => {
    const f = failing(() => new Error('stream name already in use'));
    await expect(retrySetup(f.op, 10_000)).rejects.toThrow(/already in use/);
    expect(f.calls).toHaveLength(1);
    await expect(retrySetup(async () => Promise.reject(timeout()), 100)).rejects.toMatchObject({ code: ErrorCode.Timeout });
  });
});
