/**
 * Token endpoints (as in the original ARCP server). Failures are problem+json that also carry the reference's
 * `valid`/`error` members, so both problem-aware and legacy clients read them.
 */
import { AuthError, type AuthFailureReason } from '@arcp/auth';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';
import { type RegistryContext } from '../context';
import { bearerToken, tokenRejected, verifyAny } from '../http/guard';
import { fail, json } from '../http/responses';

/** PyJWT's wording where one exists, so clients matching on it keep working. */
const REASON_TEXT: Readonly<Record<AuthFailureReason, string>> = {
  missing: 'No token provided',
  malformed: 'Not a valid token',
  expired: 'Signature has expired',
  bad_signature: 'Signature verification failed',
  wrong_role: 'Token role not accepted',
  temp_not_allowed: 'temporary registration tokens cannot be refreshed',
  revoked: 'Token has been revoked',
};

function reasonOf(err: unknown): AuthFailureReason {
  if (err instanceof AuthError) return err.reason;
  throw err;
}

export async function validateToken(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const token = bearerToken(req);
  if (token === null) return fail(req, 'authentication-failed', 'No token provided', { valid: false, error: 'No token provided' });
  try {
    const { claims } = await verifyAny(ctx, token);
    return json({ valid: true, agent_id: claims.sub, payload: claims });
  } catch (err) {
    const reason = reasonOf(err);
    tokenRejected(ctx, req, reason);
    const error = `Invalid token: ${REASON_TEXT[reason]}`;
    return fail(req, 'token-invalid', error, { valid: false, error });
  }
}

export async function refreshToken(req: HttpRequest, ctx: RegistryContext): Promise<HttpResponse> {
  const token = bearerToken(req);
  if (token === null) return fail(req, 'authentication-failed', 'Authentication required for token refresh');
  try {
    const verified = await verifyAny(ctx, token);
    const issued = await ctx.tokens.refresh(verified);
    return json({ access_token: issued.token, token_type: 'bearer', expires_in: issued.expiresIn });
  } catch (err) {
    const reason = reasonOf(err);
    tokenRejected(ctx, req, reason);
    return fail(req, 'token-invalid', `Token refresh failed: ${REASON_TEXT[reason]}`);
  }
}
