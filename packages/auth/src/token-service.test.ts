import { SignJWT, UnsecuredJWT } from 'jose';
import { AuthError, type AuthFailureReason } from './errors';
import { createTokenService, type TokenService } from './token-service';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
let clock = Date.UTC(2025, 0, 1, 12, 0, 0);
const now = () => clock;

function service(over: Partial<Parameters<typeof createTokenService>[0]> = {}): TokenService {
  return createTokenService({ secret: SECRET, agentTtlS: 3600, adminTtlS: 1800, tempTtlS: 900, now, ...over });
}

async function failure(p: Promise<unknown>): Promise<AuthFailureReason> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    return (err as AuthError).reason;
  }
  throw new Error('expected an AuthError');
}

beforeEach(() => {
  clock = Date.UTC(2025, 0, 1, 12, 0, 0);
});

describe('token service', () => {
  it('round-trips an agent token with the reference claims and a jti', async () => {
    const svc = service();
    const issued = await svc.issueAgent('agent-1');
    const v = await svc.verify(issued.token, { accept: ['agent'] });
    expect(v.kind).toBe('agent');
    expect(v.claims).toMatchObject({ sub: 'agent-1', agent_id: 'agent-1', role: 'agent', scopes: [] });
    expect(v.claims.exp - v.claims.iat).toBe(3600);
    expect(v.claims.jti).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(issued.expiresIn).toBe(3600);
  });

  it('issues admin tokens with the admin scopes and their own lifetime', async () => {
    const svc = service();
    const { token } = await svc.issueAdmin('ARCP');
    const v = await svc.verify(token, { accept: ['admin'] });
    expect(v.claims).toMatchObject({ sub: 'ARCP', agent_id: 'user_ARCP', role: 'admin', scopes: ['admin', 'agent_management'] });
    expect(v.claims.exp - v.claims.iat).toBe(1800);
  });

  it('issues temp tokens bound to one agent with a lower-cased type', async () => {
    const svc = service();
    const hash = 'a'.repeat(64);
    const { token } = await svc.issueTemp({ agentId: 'a1', agentType: 'Security', agentKeyHash: hash });
    const v = await svc.verify(token, { accept: ['temp'] });
    expect(v.kind).toBe('temp');
    expect(v.claims).toMatchObject({
      sub: 'temp_a1',
      agent_id: 'a1',
      role: 'agent',
      temp_registration: true,
      token_type: 'temp',
      agent_type: 'security',
      agent_key_hash: hash,
    });
    expect(v.claims.exp - v.claims.iat).toBe(900);
  });

  it('gives every token a distinct jti', async () => {
    const svc = service();
    const a = await svc.issueAgent('x1');
    const b = await svc.issueAgent('x1');
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it('trims the token, says "missing" for an empty or blank one, and gives admins their scopes', async () => {
    const svc = service();
    const { token } = await svc.issueAdmin('root');
    const verified = await svc.verify(`  ${token}\n`, { accept: ['admin'] });
    expect(verified.claims.scopes).toEqual(['admin', 'agent_management']);
    for (const blank of ['', '   ', null, undefined]) expect(await failure(svc.verify(blank, { accept: ['admin'] }))).toBe('missing');
  });

  it('gives a temp token no scopes and refuses it where only access tokens are accepted', async () => {
    const svc = service();
    const { token, claims } = await svc.issueTemp({ agentId: 'a1', agentType: 'testing', agentKeyHash: 'a'.repeat(64) });
    expect(claims.scopes).toEqual([]);
    expect(await failure(svc.verify(token, { accept: ['agent', 'admin'] }))).toBe('temp_not_allowed');
  });

  it('takes a secret of exactly the minimum length and refuses a shorter one', () => {
    expect(() => service({ secret: 'x'.repeat(32) })).not.toThrow();
    expect(() => service({ secret: 'x'.repeat(31) })).toThrow('token secret must be at least 32 characters');
  });

  it('tolerates 5 s of clock skew by default', async () => {
    const svc = service();
    const { token, claims } = await svc.issueAgent('a1');
    clock = (claims.exp + 5) * 1000 - 1;
    expect(await svc.verify(token, { accept: ['agent'] })).toMatchObject({ validUntilMs: (claims.exp + 5) * 1000 });
    clock += 1;
    expect(await failure(svc.verify(token, { accept: ['agent'] }))).toBe('expired');
  });

  it('accepts a token within the clock tolerance after exp and rejects it beyond', async () => {
    const svc = service({ clockToleranceS: 5 });
    const { token, claims } = await svc.issueAgent('a1');
    clock += 3603_000;
    // validUntilMs is the instant verify starts refusing it: exp plus the tolerance.
    expect(await svc.verify(token, { accept: ['agent'] })).toMatchObject({ validUntilMs: (claims.exp + 5) * 1000 });
    clock = (claims.exp + 5) * 1000 - 1;
    await expect(svc.verify(token, { accept: ['agent'] })).resolves.toBeDefined();
    clock += 1;
    expect(await failure(svc.verify(token, { accept: ['agent'] }))).toBe('expired');
  });

  it('verifies in the calling thread: the result is there after microtasks alone, with no event-loop turn', async () => {
    // A verification that went through WebCrypto would wait for a thread-pool job, which only an
    // event-loop turn delivers; a reconnect storm pays for that hop once per connection.
    const svc = service();
    const { token } = await svc.issueAgent('agent-sync');
    let settled: string | undefined;
    svc.verify(token, { accept: ['agent'] }).then(
      (v) => (settled = v.claims.agent_id),
      (err: unknown) => (settled = String(err)),
    );
    for (let i = 0; i < 200 && settled === undefined; i++) await null;
    expect(settled).toBe('agent-sync');
  });

  it('rejects a token signed with another secret', async () => {
    const other = createTokenService({
      secret: 'another-secret-that-is-32-characters-long',
      agentTtlS: 60,
      adminTtlS: 60,
      tempTtlS: 60,
      now,
    });
    const { token } = await other.issueAdmin('ARCP');
    expect(await failure(service().verify(token, { accept: ['admin'] }))).toBe('bad_signature');
  });

  it('rejects a token whose payload was altered', async () => {
    const { token } = await service().issueAgent('a1');
    const [h, p, s] = token.split('.');
    const body = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...body, role: 'admin' })).toString('base64url');
    expect(await failure(service().verify(`${h}.${forged}.${s}`, { accept: ['admin', 'agent'] }))).toBe('bad_signature');
  });

  it.each(['HS256', 'HS384', 'HS512'] as const)(
    'signs and verifies with %s, as an outside client signing the same secret would',
    async (algorithm) => {
      const svc = service({ algorithm });
      const issued = await svc.issueAdmin('ARCP');
      expect(JSON.parse(Buffer.from(issued.token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: algorithm });
      await expect(svc.verify(issued.token, { accept: ['admin'] })).resolves.toMatchObject({ kind: 'admin' });
      const iat = Math.floor(clock / 1000);
      const outside = await new SignJWT({ sub: 'ARCP', agent_id: 'user_ARCP', role: 'admin', scopes: ['admin'] })
        .setProtectedHeader({ alg: algorithm })
        .setIssuedAt(iat)
        .setExpirationTime(iat + 60)
        .sign(new TextEncoder().encode(SECRET));
      await expect(svc.verify(outside, { accept: ['admin'] })).resolves.toMatchObject({ kind: 'admin' });
      expect(await failure(service({ algorithm, secret: `${SECRET}-other` }).verify(outside, { accept: ['admin'] }))).toBe('bad_signature');
    },
  );

  it('rejects alg none and a different HMAC algorithm', async () => {
    const claims = { sub: 'ARCP', agent_id: 'user_ARCP', role: 'admin', scopes: [], jti: 'j1' };
    const iat = Math.floor(clock / 1000);
    const unsecured = new UnsecuredJWT(claims)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .encode();
    const hs512 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await failure(service().verify(unsecured, { accept: ['admin'] }))).toBe('bad_signature');
    expect(await failure(service().verify(hs512, { accept: ['admin'] }))).toBe('bad_signature');
  });

  it('distinguishes missing, malformed, wrong role and temp-not-allowed', async () => {
    const svc = service();
    expect(await failure(svc.verify(undefined, { accept: ['agent'] }))).toBe('missing');
    expect(await failure(svc.verify('  ', { accept: ['agent'] }))).toBe('missing');
    expect(await failure(svc.verify('not.a.jwt', { accept: ['agent'] }))).toBe('malformed');
    const agent = await svc.issueAgent('a1');
    expect(await failure(svc.verify(agent.token, { accept: ['admin'] }))).toBe('wrong_role');
    const temp = await svc.issueTemp({ agentId: 'a1', agentType: 'testing', agentKeyHash: 'b'.repeat(64) });
    expect(await failure(svc.verify(temp.token, { accept: ['agent', 'admin'] }))).toBe('temp_not_allowed');
  });

  it('treats a signed token lacking our claims as malformed', async () => {
    const iat = Math.floor(clock / 1000);
    const token = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await failure(service().verify(token, { accept: ['agent', 'admin', 'temp'] }))).toBe('malformed');
  });

  it('treats signed claims that are inconsistent (a temp token with the admin role) as malformed, whatever is accepted', async () => {
    const iat = Math.floor(clock / 1000);
    const token = await new SignJWT({ sub: 'x', agent_id: 'x', role: 'admin', scopes: ['admin'], temp_registration: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await failure(service().verify(token, { accept: ['agent', 'admin', 'temp'] }))).toBe('malformed');
    expect(await failure(service().verify(token, { accept: ['agent'] }))).toBe('malformed');
  });

  it.each([
    ['agent', { sub: 'ext-agent', agent_id: 'ext-agent', role: 'agent', scopes: [] }, ['agent', 'admin']],
    ['admin', { sub: 'ops', agent_id: 'user_ops', role: 'admin', scopes: ['admin', 'agent_management'] }, ['admin']],
  ] as const)('accepts a reference-shaped %s token without jti (minted by another ARCP server)', async (kind, claims, accept) => {
    const iat = Math.floor(clock / 1000);
    const token = await new SignJWT({ ...claims, scopes: [...claims.scopes] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(SECRET));
    const verified = await service().verify(token, { accept });
    expect(verified.kind).toBe(kind);
    expect(verified.claims.jti).toBeUndefined();
    expect(verified.claims.sub).toBe(claims.sub);
  });

  it('still refuses an expired reference-shaped token', async () => {
    const iat = Math.floor(clock / 1000) - 3600;
    const token = await new SignJWT({ sub: 'ext', agent_id: 'ext', role: 'agent', scopes: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await failure(service().verify(token, { accept: ['agent'] }))).toBe('expired');
  });

  it('checks the issuer when one is configured', async () => {
    const a = service({ issuer: 'arcp-a' });
    const b = service({ issuer: 'arcp-b' });
    const { token } = await a.issueAgent('a1');
    await expect(a.verify(token, { accept: ['agent'] })).resolves.toBeDefined();
    expect(await failure(b.verify(token, { accept: ['agent'] }))).toBe('malformed');
  });

  it('refreshes agent and admin tokens with a new jti and refuses temp tokens', async () => {
    const svc = service();
    const v = await svc.verify((await svc.issueAgent('a1')).token, { accept: ['agent'] });
    clock += 10_000;
    const fresh = await svc.refresh(v);
    expect(fresh.claims).toMatchObject({ sub: 'a1', role: 'agent' });
    expect(fresh.claims.jti).not.toBe(v.claims.jti);
    expect(fresh.claims.iat).toBe(v.claims.iat + 10);
    const temp = await svc.verify((await svc.issueTemp({ agentId: 'a1', agentType: 'testing', agentKeyHash: 'c'.repeat(64) })).token, {
      accept: ['temp'],
    });
    expect(await failure(svc.refresh(temp))).toBe('temp_not_allowed');
  });

  it('refuses short secrets', () => {
    expect(() => service({ secret: 'short' })).toThrow(/at least 32/);
  });
});
