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

  it('hashes to lower-case hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
