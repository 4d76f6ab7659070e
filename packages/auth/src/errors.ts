/**
 * Typed token failures. Every verification failure becomes one `AuthError` with a small `reason`
 * enum, which callers map to HTTP problems, `auth_error` frames, close codes and metric labels.
 */

export const AUTH_FAILURE_REASONS = [
  'missing',
  'malformed',
  'expired',
  'bad_signature',
  'wrong_role',
  'temp_not_allowed',
  'revoked',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** jose error codes → reasons. Unknown codes are treated as a malformed token. */
const JOSE_CODES: Readonly<Record<string, AuthFailureReason>> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'bad_signature',
  // A token signed with another algorithm (or `none`) cannot have been signed with our key.
  ERR_JOSE_ALG_NOT_ALLOWED: 'bad_signature',
  ERR_JOSE_NOT_SUPPORTED: 'bad_signature',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'malformed',
};

/** Wraps whatever jose threw into an AuthError, keeping the original as `cause`. */
export function fromJoseError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const reason = (typeof code === 'string' && JOSE_CODES[code]) || 'malformed';
  const message = err instanceof Error ? err.message : 'invalid token';
  return new AuthError(reason, message, { cause: err });
}
