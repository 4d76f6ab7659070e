import { ArcpTokenExpiredError } from './errors';
import { resolveToken, tokenExpiry } from './token';

const jwt = (claims: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('tokens', () => {
  it('reads exp from a JWT and nothing from other strings', () => {
    expect(tokenExpiry(jwt({ exp: 1_700_000_000, sub: 'ü-agent' }))?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(tokenExpiry('not-a-jwt')).toBeUndefined();
    expect(tokenExpiry('a.%%%.c')).toBeUndefined();
    expect(tokenExpiry(jwt({ sub: 'x' }))).toBeUndefined();
  });

  it('calls the provider on every resolve and refuses expired tokens', async () => {
    let n = 0;
    const provider = () => jwt({ exp: 2000 + n++ });
    expect(await resolveToken(provider, () => 1_000_000)).toBe(jwt({ exp: 2000 }));
    expect(await resolveToken(provider, () => 1_000_000)).toBe(jwt({ exp: 2001 }));
    await expect(resolveToken(jwt({ exp: 10 }), () => 10_000)).rejects.toBeInstanceOf(ArcpTokenExpiredError);
    expect(await resolveToken('opaque')).toBe('opaque');
  });
});
