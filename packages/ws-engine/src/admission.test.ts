import { createAdmission } from './admission';

describe('admission with auth', () => {
  const limits = { maxConnections: 2, maxPending: 3, maxPerAddress: 2 };

  it('counts only authenticated sockets against the cap; pending ones have their own budget', () => {
    const a = createAdmission(limits, true);
    for (const addr of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) {
      expect(a.check(addr)).toBeUndefined();
      a.opened(addr);
    }
    expect(a.check('4.4.4.4')).toBe('pending');
    expect(a.authenticated('1.1.1.1')).toBe(true);
    expect(a.check('4.4.4.4')).toBeUndefined();
    expect(a.authenticated('2.2.2.2')).toBe(true);
    expect(a.counts).toEqual({ authenticated: 2, pending: 1 });
    // The cap is reached: new upgrades are refused, and so is a pending socket that authenticates now.
    expect(a.check('5.5.5.5')).toBe('cap');
    expect(a.authenticated('3.3.3.3')).toBe(false);
    a.closed('3.3.3.3', false);
    a.closed('1.1.1.1', true);
    expect(a.counts).toEqual({ authenticated: 1, pending: 0 });
    expect(a.check('5.5.5.5')).toBeUndefined();
  });

  it('limits pending sockets per address, and frees the address once they authenticate or close', () => {
    const a = createAdmission({ maxConnections: 10, maxPending: 10, maxPerAddress: 2 }, true);
    a.opened('9.9.9.9');
    a.opened('9.9.9.9');
    expect(a.check('9.9.9.9')).toBe('per_address');
    expect(a.check('8.8.8.8')).toBeUndefined();
    a.authenticated('9.9.9.9');
    expect(a.check('9.9.9.9')).toBeUndefined();
    a.opened('9.9.9.9');
    a.closed('9.9.9.9', false);
    a.closed('9.9.9.9', false);
    expect(a.check('9.9.9.9')).toBeUndefined();
  });
});

describe('admission without auth', () => {
  it('counts every socket as authenticated and limits open sockets per address', () => {
    const a = createAdmission({ maxConnections: 3, maxPending: 1, maxPerAddress: 2 }, false);
    a.opened('1.1.1.1');
    a.opened('1.1.1.1');
    expect(a.check('1.1.1.1')).toBe('per_address');
    a.opened('2.2.2.2');
    expect(a.check('3.3.3.3')).toBe('cap');
    expect(a.counts).toEqual({ authenticated: 3, pending: 0 });
    a.closed('1.1.1.1', true);
    expect(a.check('1.1.1.1')).toBeUndefined();
  });
});
