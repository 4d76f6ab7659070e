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
    // A list that counts how often it is hashed as a whole (matchesAny maps it to digests).
    let hashedLists = 0;
    const keys = Array.from({ length: 5000 }, (_, i) => `agent-key-${i}`);
    const counted = Object.assign(keys, {
      map(...args: Parameters<typeof Array.prototype.map>) {
        hashedLists++;
        return Array.prototype.map.apply(keys, args);
      },
    }) as string[];
    expect(matchesAny('agent-key-4999', counted)).toBe(true);
    for (let i = 0; i < 200; i++) expect(matchesAny(`agent-key-${i * 7}`, counted)).toBe(true);
    expect(matchesAny('agent-key-5000', counted)).toBe(false);
    expect(hashedLists).toBe(1);
    // Another list is hashed for itself.
    expect(matchesAny('agent-key-5000', [...keys, 'agent-key-5000'])).toBe(true);
  });

  it('sees a key added to a list it has already digested', () => {
    const keys = ['k1-abcdefgh'];
    expect(matchesAny('k2-abcdefgh', keys)).toBe(false);
    keys.push('k2-abcdefgh');
    expect(matchesAny('k2-abcdefgh', keys)).toBe(true);
  });

  it('hashes to lower-case hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
