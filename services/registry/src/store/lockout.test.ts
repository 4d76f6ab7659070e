import { createMemoryBus, KvConflictError, type KvStore } from '@arcp/service-kit';
import { LoginLockout } from './lockout';

const enc = new TextEncoder();
const dec = new TextDecoder();

let kv: KvStore;
let t: number;
let lockout: LoginLockout;
const IP = '10.1.2.3';

beforeEach(async () => {
  kv = await createMemoryBus().kv('registry');
  t = 1_000_000;
  lockout = new LoginLockout(kv, { maxFailures: 5, baseLockoutS: 300, now: () => t });
});

/** `n` failures one second apart; the lockout lengths each one started. */
async function fail(n: number, scope: 'admin_login' | 'agent_key' = 'admin_login', client = IP): Promise<number[]> {
  const started: number[] = [];
  for (let i = 0; i < n; i++) {
    started.push(await lockout.failure(scope, client));
    if (i < n - 1) t += 1_000;
  }
  return started;
}

describe('LoginLockout', () => {
  it('allows a client with no failures, and one after a single failure', async () => {
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: true });
    expect(await fail(1)).toEqual([0]);
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: true });
  });

  it('makes the client wait 2^(n-1) s after its n-th failure from the second on', async () => {
    await fail(2);
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: false, retryAfterS: 2, lockedOut: false });
    // Whole seconds, rounded up.
    t += 500;
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: false, retryAfterS: 2, lockedOut: false });
    t += 1_499;
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: false, retryAfterS: 1, lockedOut: false });
    t += 1;
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: true });
    await lockout.failure('admin_login', IP);
    t += 3_001;
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: false, retryAfterS: 1, lockedOut: false });
    t += 999;
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: true });
  });

  it('caps the wait between attempts at 60 s', async () => {
    lockout = new LoginLockout(kv, { maxFailures: 100, baseLockoutS: 300, now: () => t });
    await fail(9);
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: false, retryAfterS: 60, lockedOut: false });
  });

  it('locks out at the maximum of failures, for the base time, then doubles each lockout up to an hour', async () => {
    expect(await fail(5)).toEqual([0, 0, 0, 0, 300]);
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: false, retryAfterS: 300, lockedOut: true });
    t += 299_001;
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: false, retryAfterS: 1, lockedOut: true });
    t += 999;
    // The count starts again after a lockout.
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: true });
    expect(await fail(5)).toEqual([0, 0, 0, 0, 600]);
    t += 600_000;
    expect(await fail(5)).toEqual([0, 0, 0, 0, 1200]);
    t += 1_200_000;
    expect(await fail(5)).toEqual([0, 0, 0, 0, 2400]);
    t += 2_400_000;
    expect(await fail(5)).toEqual([0, 0, 0, 0, 3600]);
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: false, retryAfterS: 3600, lockedOut: true });
  });

  it('clears the record on success', async () => {
    await fail(4);
    await lockout.success('admin_login', IP);
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: true });
    expect(await fail(4)).toEqual([0, 0, 0, 0]);
    // Success with nothing recorded, or a record already deleted, is fine.
    await lockout.success('agent_key', IP);
    await lockout.success('admin_login', IP);
    await lockout.success('admin_login', IP);
    expect(await kv.keys()).toEqual([]);
  });

  it('keeps one record per scope and client, without the address in clear', async () => {
    await fail(5, 'agent_key');
    expect(await lockout.check('agent_key', IP)).toMatchObject({ allowed: false, lockedOut: true });
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: true });
    expect(await lockout.check('agent_key', '10.1.2.4')).toEqual({ allowed: true });
    const keys = await kv.keys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^lockout\.agent_key\.[0-9a-f]{64}$/);
  });

  it('treats an unreadable record as no record', async () => {
    await fail(1);
    const [key] = await kv.keys();
    await kv.put(key!, enc.encode('{"failures":"many"}'));
    expect(await lockout.check('admin_login', IP)).toEqual({ allowed: true });
    expect(await fail(1)).toEqual([0]);
    expect(JSON.parse(dec.decode((await kv.get(key!))!.value))).toMatchObject({ failures: 1, lockouts: 0 });
  });

  it('counts a failure again when another replica wrote the record meanwhile, and gives up after five rounds', async () => {
    await fail(1);
    const [key] = await kv.keys();
    let updates = 0;
    let interfere = 1;
    const racing: KvStore = Object.assign(Object.create(kv) as KvStore, {
      update: async (k: string, v: Uint8Array, r: number) => {
        updates++;
        if (interfere-- > 0) await kv.put(k, (await kv.get(k))!.value);
        return kv.update(k, v, r);
      },
    });
    lockout = new LoginLockout(racing, { maxFailures: 5, baseLockoutS: 300, now: () => t });
    t += 1_000;
    expect(await lockout.failure('admin_login', IP)).toBe(0);
    expect(updates).toBe(2);
    expect(JSON.parse(dec.decode((await kv.get(key!))!.value))).toMatchObject({ failures: 2 });

    updates = 0;
    interfere = Infinity;
    expect(await lockout.failure('admin_login', IP)).toBe(0);
    expect(updates).toBe(5);
  });

  it('does not report a lockout another replica started first', async () => {
    await fail(4);
    const [key] = await kv.keys();
    let interfere = true;
    const racing: KvStore = Object.assign(Object.create(kv) as KvStore, {
      update: async (k: string, v: Uint8Array, r: number) => {
        if (interfere) {
          interfere = false;
          const locked = { failures: 0, lockouts: 1, last_failure_ms: t, locked_until_ms: t + 300_000 };
          await kv.put(k, enc.encode(JSON.stringify(locked)));
        }
        return kv.update(k, v, r);
      },
    });
    lockout = new LoginLockout(racing, { maxFailures: 5, baseLockoutS: 300, now: () => t });
    expect(await lockout.failure('admin_login', IP)).toBe(0);
    expect(JSON.parse(dec.decode((await kv.get(key!))!.value))).toMatchObject({ failures: 1, lockouts: 1 });
  });

  it('reports a lockout started only by the write that stored it', async () => {
    await fail(4);
    const racing: KvStore = Object.assign(Object.create(kv) as KvStore, {
      update: () => Promise.reject(new KvConflictError('registry', 'lockout')),
    });
    lockout = new LoginLockout(racing, { maxFailures: 5, baseLockoutS: 300, now: () => t });
    expect(await lockout.failure('admin_login', IP)).toBe(0);
  });

  it('fails on a write error that is not a race', async () => {
    const failing: KvStore = Object.assign(Object.create(kv) as KvStore, {
      create: () => Promise.reject(new Error('disk failure')),
    });
    lockout = new LoginLockout(failing, { maxFailures: 5, baseLockoutS: 300, now: () => t });
    await expect(lockout.failure('admin_login', IP)).rejects.toThrow('disk failure');
  });
});
