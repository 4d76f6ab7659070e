/**
 * Bearer authentication for protected routes (as in the original ARCP server): verify the JWT, check the
 * revocation list, then the role. A temp registration token is accepted only where a route says
 * so (registration); it is never a general agent credential (the original server accepted it as one).
 */
import { AuthError, type AuthFailureReason, type TokenKind, type VerifiedToken } from '@arcp/auth';
import { type HttpRequest } from '@arcp/service-kit';
import { offline, type RegistryContext } from '../context';
import { fail, HttpFailure } from './responses';

export type AccessLevel = 'agent' | 'admin';

/** The token after `Bearer ` (exact prefix, as the reference), or null. */
export function bearerToken(req: HttpRequest): string | null {
  const header = req.headers['authorization'];
  if (header === undefined || !header.startsWith('Bearer ')) return null;
  const token = header.slice('Bearer '.length).trim();
  return token === '' ? null : token;
}

/** Called once a token's signature and claims check out, before its revocation lookup. */
export type OnSigned = (verified: VerifiedToken) => void;

/**
 * Verifies any of our tokens and its revocation status; AuthError on failure. Revocations are read
 * from the bucket, or from the local copy while the bus reconnects (so reads keep working).
 * `onSigned` lets a route start its own reads alongside the revocation round trip.
 */
export async function verifyAny(ctx: RegistryContext, token: string | null, onSigned?: OnSigned): Promise<VerifiedToken> {
  const verified = await ctx.tokens.verify(token, { accept: ['agent', 'admin', 'temp'] });
  onSigned?.(verified);
  const stores = await ctx.stores();
  const list = offline(ctx) ? stores.mirroredRevocations : stores.revocations;
  if (await list.isRevoked(verified.claims)) throw new AuthError('revoked', 'token has been revoked');
  return verified;
}

/** Counts and audits a presented token this route refuses. */
export function tokenRejected(ctx: RegistryContext, req: HttpRequest, reason: AuthFailureReason): void {
  ctx.metrics.authFailures.inc({ reason });
  if (reason !== 'missing')
    ctx.audit.record('token_rejected', { reason, client_ip: req.ip, endpoint: req.path, request_id: req.requestId });
}

function denied(ctx: RegistryContext, req: HttpRequest, reason: AuthFailureReason, detail: string): HttpFailure {
  tokenRejected(ctx, req, reason);
  const slug = reason === 'missing' ? 'authentication-failed' : 'token-invalid';
  return new HttpFailure(fail(req, slug, detail));
}

/**
 * Authenticates the request for `level`, accepting only token kinds in `accept`. `onSigned` (see
 * verifyAny) runs only for a correctly signed, unexpired token; the request is refused as usual
 * when the revocation or role check then fails.
 */
export async function authenticate(
  ctx: RegistryContext,
  req: HttpRequest,
  level: AccessLevel,
  accept: readonly TokenKind[],
  onSigned?: OnSigned,
): Promise<VerifiedToken> {
  const token = bearerToken(req);
  if (token === null) throw denied(ctx, req, 'missing', `Authentication required for ${level} endpoint`);
  let verified: VerifiedToken;
  try {
    verified = await verifyAny(ctx, token, onSigned);
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    const detail = err.reason === 'revoked' ? 'Token has been revoked' : 'Invalid or expired token';
    throw denied(ctx, req, err.reason, detail);
  }
  if (accept.includes(verified.kind)) return verified;
  const reason = verified.kind === 'temp' ? 'temp_not_allowed' : 'wrong_role';
  tokenRejected(ctx, req, reason);
  const detail =
    verified.kind === 'temp'
      ? 'Temporary registration tokens can only be used to register the agent they were issued for'
      : `Access denied: ${verified.claims.role} role cannot access ${level} endpoint`;
  throw new HttpFailure(fail(req, 'insufficient-permissions', detail));
}

/** The caller may act on `agentId`: admins on anyone, agents on themselves. */
export function mayActOn(verified: VerifiedToken, agentId: string): boolean {
  return verified.kind === 'admin' || verified.claims.agent_id === agentId;
}
