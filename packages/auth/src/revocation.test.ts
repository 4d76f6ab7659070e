import { createKvRevocationList, createRevocationMirror, issuedKey, jtiKey, revoke, subjectKey, type RevocationKv } from './revocation';
import { createTokenService } from './token-service';

function mapKv(): RevocationKv & { map: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>();
  return {
    map,
    get: async (key) => (map.has(key) ? { value: map.get(key)! } : null),
    put: async (key, value) => {
      map.set(key, value);
      return map.size;
    },
  };
}

describe('revocation', () => {
  let clock = Date.UTC(2025, 0, 1);
  const now = () => clock;
  const tokens = createTokenService({ secret: 'x'.repeat(40), agentTtlS: 600, adminTtlS: 600, tempTtlS: 60, now });

  function setup() {
    const kv = mapKv();
    const published: Array<{ subject: string; data: string }> = [];
    const bus = { publish: (subject: string, data: Uint8Array) => published.push({ subject, data: Buffer.from(data).toString() }) };
    return { kv, published, list: createKvRevocationList(kv, now), deps: { kv, bus, busSubject: 't.revoke.credential', now } };
  }

  it('revokes exactly one token by jti and announces it', async () => {
    const { list, deps, published } = setup();
    const a = await tokens.issueAdmin('ARCP');
    const b = await tokens.issueAdmin('ARCP');
    await revoke(deps, { kind: 'admin', subject: 'ARCP', jti: a.claims.jti, untilMs: clock + 600_000 });
    expect(await list.isRevoked(a.claims)).toBe(true);
    expect(await list.isRevoked(b.claims)).toBe(false);
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.data)).toMatchObject({ kind: 'admin', subject: 'ARCP', jti: a.claims.jti });
    expect(published[0]!.subject).toBe('t.revoke.credential');
  });

  it('revokes every earlier token of a subject but not later ones (re-registration)', async () => {
    const { list, deps } = setup();
    const before = await tokens.issueAgent('a1');
    clock += 1;
    await revoke(deps, { kind: 'agent', subject: 'a1', untilMs: clock + 600_000 });
    clock += 1;
    const after = await tokens.issueAgent('a1');
    const other = await tokens.issueAgent('a2');
    expect(await list.isRevoked(before.claims)).toBe(true);
    expect(await list.isRevoked(after.claims)).toBe(false);
    expect(await list.isRevoked(other.claims)).toBe(false);
  });

  it('ignores entries whose until has passed', async () => {
    const { list, deps } = setup();
    const a = await tokens.issueAgent('a1');
    clock += 1;
    await revoke(deps, { kind: 'agent', subject: 'a1', untilMs: clock + 1000 });
    expect(await list.isRevoked(a.claims)).toBe(true);
    clock += 2000;
    expect(await list.isRevoked(a.claims)).toBe(false);
  });

  it('does not confuse an admin subject with an agent of the same name', async () => {
    const { list, deps } = setup();
    const agent = await tokens.issueAgent('ARCP');
    clock += 1;
    await revoke(deps, { kind: 'admin', subject: 'ARCP', untilMs: clock + 600_000 });
    expect(await list.isRevoked(agent.claims)).toBe(false);
  });

  it('revokes one token without a jti by its subject and issue second, and only that token', async () => {
    const { list, deps, published } = setup();
    const iat = Math.floor(clock / 1000);
    const claims = (sub: string, at: number) => ({
      sub,
      agent_id: `user_${sub}`,
      role: 'admin' as const,
      scopes: ['admin'],
      iat: at,
      exp: at + 600,
    });
    const event = await revoke(deps, { kind: 'admin', subject: 'ops', iat, untilMs: clock + 600_000 });
    expect(event).toEqual({ kind: 'admin', subject: 'ops', iat, until: Math.ceil((clock + 600_000) / 1000) });
    expect(JSON.parse(published[0]!.data)).toMatchObject({ iat });
    expect(await list.isRevoked(claims('ops', iat))).toBe(true);
    expect(await list.isRevoked(claims('ops', iat + 1))).toBe(false);
    expect(await list.isRevoked(claims('other', iat))).toBe(false);
    // A token of ours from the same second has an id and is another token.
    expect(await list.isRevoked({ ...claims('ops', iat), jti: 'x1' })).toBe(false);
  });

  it('treats corrupt entries as not revoked rather than throwing', async () => {
    const { list, kv } = setup();
    const a = await tokens.issueAgent('a1');
    kv.map.set(jtiKey(a.claims.jti!), new TextEncoder().encode('{oops'));
    expect(await list.isRevoked(a.claims)).toBe(false);
  });

  it('treats an empty value (a deleted entry) as no revocation', async () => {
    const { list, kv } = setup();
    const a = await tokens.issueAgent('a1');
    kv.map.set(jtiKey(a.claims.jti!), new Uint8Array(0));
    kv.map.set(subjectKey('agent', 'a1'), new Uint8Array(0));
    expect(await list.isRevoked(a.claims)).toBe(false);
  });

  it('keeps an entry until the millisecond before its until second, not at it', async () => {
    const { list, deps } = setup();
    const a = await tokens.issueAgent('a1');
    const until = Math.ceil((clock + 5000) / 1000);
    await revoke(deps, { kind: 'agent', subject: 'a1', jti: a.claims.jti, untilMs: clock + 5000 });
    clock = until * 1000 - 1;
    expect(await list.isRevoked(a.claims)).toBe(true);
    clock = until * 1000;
    expect(await list.isRevoked(a.claims)).toBe(false);
  });

  it('counts a token issued in the same millisecond as a per-subject revocation as revoked, not one a millisecond later', async () => {
    const { list, deps } = setup();
    const same = await tokens.issueAgent('a1');
    await revoke(deps, { kind: 'agent', subject: 'a1', untilMs: clock + 600_000 });
    clock += 1;
    const later = await tokens.issueAgent('a1');
    expect(same.claims.iat_ms).toBe(later.claims.iat_ms! - 1);
    expect(await list.isRevoked(same.claims)).toBe(true);
    expect(await list.isRevoked(later.claims)).toBe(false);
  });

  it('dates a token without iat_ms from the start of its issue second', async () => {
    const { list, deps } = setup();
    const second = Math.floor(clock / 1000);
    const foreign = (iat: number) => ({ sub: 'a1', agent_id: 'a1', role: 'agent' as const, scopes: [], iat, exp: iat + 600 });
    clock = second * 1000 + 500;
    await revoke(deps, { kind: 'agent', subject: 'a1', untilMs: clock + 600_000 });
    expect(await list.isRevoked(foreign(second))).toBe(true);
    expect(await list.isRevoked(foreign(second + 1))).toBe(false);
  });

  it('announces and stores exactly what identifies the revoked tokens: jti, else iat, else the subject', async () => {
    const { deps, kv, published } = setup();
    const until = Math.ceil((clock + 600_000) / 1000);
    const base = { kind: 'agent' as const, subject: 'a1', untilMs: clock + 600_000 };
    const byJti = await revoke(deps, { ...base, jti: 'j1', iat: 7 });
    const byIat = await revoke(deps, { ...base, iat: 7 });
    const bySubject = await revoke(deps, base);
    expect([byJti, byIat, bySubject]).toStrictEqual([
      { kind: 'agent', subject: 'a1', jti: 'j1', until },
      { kind: 'agent', subject: 'a1', iat: 7, until },
      { kind: 'agent', subject: 'a1', until },
    ]);
    expect(published.map((p) => JSON.parse(p.data) as unknown)).toEqual([byJti, byIat, bySubject]);
    const stored = (key: string) => JSON.parse(Buffer.from(kv.map.get(key)!).toString()) as unknown;
    expect([...kv.map.keys()].sort()).toEqual([jtiKey('j1'), issuedKey('agent', 'a1', 7), subjectKey('agent', 'a1')].sort());
    expect(stored(jtiKey('j1'))).toEqual({ ...byJti, revoked_at_ms: clock });
    expect(stored(issuedKey('agent', 'a1', 7))).toEqual({ ...byIat, revoked_at_ms: clock });
    expect(stored(subjectKey('agent', 'a1'))).toEqual({ ...bySubject, revoked_at_ms: clock });
  });

  /** A mirror fed every entry of the map, as a KV watch delivers them. */
  function mirrorOf(map: ReadonlyMap<string, Uint8Array>) {
    const mirror = createRevocationMirror(now);
    for (const [key, value] of map) mirror.apply(key, value);
    return mirror;
  }

  it('answers the same from a local mirror of the bucket, a delete lifting the revocation', async () => {
    const { deps, kv } = setup();
    const a = await tokens.issueAgent('a1');
    const b = await tokens.issueAgent('a2');
    await revoke(deps, { kind: 'agent', subject: 'a1', jti: a.claims.jti, untilMs: clock + 600_000 });
    const mirror = mirrorOf(kv.map);
    expect(await mirror.isRevoked(a.claims)).toBe(true);
    expect(mirror.isRevokedNow(b.claims)).toBe(false);
    mirror.apply(jtiKey(a.claims.jti!), undefined);
    expect(mirror.isRevokedNow(a.claims)).toBe(false);
  });

  it('gives the bucket-backed answer for every kind of entry, before and after it lapses', async () => {
    const { deps, kv, list } = setup();
    const subjects = ['s-jti', 's-iat', 's-sub'];
    const issued = await Promise.all(subjects.map((s) => tokens.issueAgent(s)));
    const admin = await tokens.issueAdmin('s-sub');
    await revoke(deps, { kind: 'agent', subject: 's-jti', jti: issued[0]!.claims.jti, untilMs: clock + 60_000 });
    await revoke(deps, { kind: 'agent', subject: 's-iat', iat: 5, untilMs: clock + 60_000 });
    clock += 1;
    await revoke(deps, { kind: 'agent', subject: 's-sub', untilMs: clock + 60_000 });
    clock += 1;
    const later = await tokens.issueAgent('s-sub');
    const noJti = { ...issued[1]!.claims, jti: undefined, iat: 5 };
    const cases = [...issued.map((t) => t.claims), admin.claims, later.claims, noJti];
    const mirror = mirrorOf(kv.map);
    const answers = async () => Promise.all(cases.map(async (c) => [await list.isRevoked(c), mirror.isRevokedNow(c)]));
    expect(await answers()).toEqual([
      [true, true], // its jti
      [false, false], // the iat entry names a token without a jti
      [true, true], // issued before its subject was revoked
      [false, false], // same subject, other kind
      [false, false], // issued after
      [true, true], // no jti, that subject and second
    ]);
    clock += 120_000;
    expect((await answers()).flat().every((revoked) => !revoked)).toBe(true);
  });

  it('checks entries it cannot index (no identifiers in the value, or not those of the key) the hashed way', () => {
    const at = Date.UTC(2025, 0, 1);
    const claims = { sub: 'a9', agent_id: 'a9', scopes: [], role: 'agent' as const, jti: 'j9', iat: Math.floor(at / 1000), exp: 0 };
    const body = (extra: object) => Buffer.from(JSON.stringify({ until: Math.ceil(clock / 1000) + 60, revoked_at_ms: clock, ...extra }));
    const bare = createRevocationMirror(now);
    bare.apply(jtiKey('j9'), body({}));
    expect(bare.isRevokedNow(claims)).toBe(true);
    const misnamed = createRevocationMirror(now);
    // The value names another token than the one its key was made from: the key decides.
    misnamed.apply(jtiKey('j9'), body({ kind: 'agent', subject: 'a9', jti: 'other' }));
    expect(misnamed.isRevokedNow(claims)).toBe(true);
    expect(misnamed.isRevokedNow({ ...claims, jti: 'other' })).toBe(false);
    misnamed.apply(jtiKey('j9'), undefined);
    expect(misnamed.isRevokedNow(claims)).toBe(false);
    const garbage = createRevocationMirror(now);
    garbage.apply(jtiKey('j9'), Buffer.from('not json'));
    garbage.apply(subjectKey('agent', 'a9'), new Uint8Array());
    expect(garbage.isRevokedNow(claims)).toBe(false);
  });
});
