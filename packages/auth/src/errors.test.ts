import { AuthError, fromJoseError } from './errors';

describe('fromJoseError', () => {
  it('passes an AuthError through unchanged', () => {
    const err = new AuthError('revoked', 'gone');
    expect(fromJoseError(err)).toBe(err);
  });

  it.each([
    [{ code: 'ERR_JWT_EXPIRED' }, 'expired'],
    [{ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' }, 'bad_signature'],
    [{ code: 'ERR_JOSE_ALG_NOT_ALLOWED' }, 'bad_signature'],
    [{ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' }, 'malformed'],
    [{ code: 'ERR_SOMETHING_NEW' }, 'malformed'],
    [{ code: 42 }, 'malformed'],
    [null, 'malformed'],
    [undefined, 'malformed'],
    ['text', 'malformed'],
  ])('maps %p to %s, keeping it as the cause', (thrown, reason) => {
    const err = fromJoseError(thrown);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.name).toBe('AuthError');
    expect(err.reason).toBe(reason);
    expect(err.cause).toBe(thrown);
    // Not an Error: no message to keep.
    expect(err.message).toBe('invalid token');
  });

  it("keeps an Error's message", () => {
    const thrown = Object.assign(new Error('"exp" claim timestamp check failed'), { code: 'ERR_JWT_EXPIRED' });
    const err = fromJoseError(thrown);
    expect(err).toMatchObject({ reason: 'expired', message: '"exp" claim timestamp check failed', cause: thrown });
  });
});
