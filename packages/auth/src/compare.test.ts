import { matchesAny, safeEqual, sha256Hex } from './compare';

describe('constant-time compare', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('secret-key-1', 'secret-key-1')).toBe(true);
    expect(safeEqual('secret-key-1', 'secret-key-2')).toBe(false);
    expect(safeEqual('short', 'a much longer value')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });

  it('finds a candidate among several secrets', () => {
    expect(matchesAny('k2-abcdefgh', ['k1-abcdefgh', 'k2-abcdefgh'])).toBe(true);
    expect(matchesAny('k3-abcdefgh', ['k1-abcdefgh', 'k2-abcdefgh'])).toBe(false);
    expect(matchesAny('anything', [])).toBe(false);
  });

  it('checks against thousands of keys at the cost of one hash', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `agent-key-${i}`);
    expect(matchesAny('agent-key-4999', keys)).toBe(true);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) matchesAny(`agent-key-${i * 7}`, keys);
    // Hashing every key on every call took seconds for this; comparing kept digests takes milliseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
    expect(matchesAny('agent-key-5000', keys)).toBe(false);
  });

  it('hashes to lower-case hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
