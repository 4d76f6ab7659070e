import { createKvRevocationList, jtiKey, revoke, type RevocationKv } from './revocation';
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
});
