/** The shared JWT settings: one message per problem, blanks treated as unset, HS256 by default. */
import { SignJWT } from 'jose';
import { JwtEnv, verifyingTokenService } from './jwt-env';
import { MIN_SECRET_LENGTH } from './token-service';

const SECRET = 's'.repeat(MIN_SECRET_LENGTH);
// Each issue names the variable by its path; the message is the rule (the startup line joins them).
const messages = (env: Record<string, unknown>) => {
  const r = JwtEnv.safeParse(env);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
};

test('JWT_SECRET is required; blank counts as missing; shorter than the minimum is refused', () => {
  const required = `JWT_SECRET is required (at least ${MIN_SECRET_LENGTH} characters)`;
  expect(messages({})).toEqual([required]);
  expect(messages({ JWT_SECRET: '   ' })).toEqual([required]);
  expect(messages({ JWT_SECRET: SECRET.slice(1) })).toEqual([`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`]);
  expect(messages({ JWT_SECRET: SECRET })).toEqual([]);
});

test('JWT_ALGORITHM defaults to HS256 (also when blank) and accepts only the pinned algorithms', () => {
  expect(JwtEnv.parse({ JWT_SECRET: SECRET })).toEqual({ JWT_SECRET: SECRET, JWT_ALGORITHM: 'HS256' });
  expect(JwtEnv.parse({ JWT_SECRET: SECRET, JWT_ALGORITHM: ' ' }).JWT_ALGORITHM).toBe('HS256');
  expect(JwtEnv.safeParse({ JWT_SECRET: SECRET, JWT_ALGORITHM: 'none' }).success).toBe(false);
});

test('the verifying service accepts a token signed with the same secret and algorithm', async () => {
  const svc = verifyingTokenService(JwtEnv.parse({ JWT_SECRET: SECRET, JWT_ALGORITHM: 'HS384' }));
  const iat = Math.floor(Date.now() / 1000);
  const claims = { sub: 'a1', agent_id: 'a1', role: 'agent', scopes: [] };
  const sign = (alg: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(SECRET));
  expect((await svc.verify(await sign('HS384'), { accept: ['agent'] })).kind).toBe('agent');
  await expect(svc.verify(await sign('HS256'), { accept: ['agent'] })).rejects.toThrow();
});
