/**
 * @arcp/auth: issuing and verifying the registry's JWTs, revocation backed by a KV bucket, and
 * constant-time secret comparisons.
 */
export { createTokenService, TOKEN_ALGORITHMS, MIN_SECRET_LENGTH } from './token-service';
export type { TokenService, TokenServiceOptions, TokenAlgorithm, TempTokenInput, IssuedToken, VerifyOptions } from './token-service';
export { TokenClaimsSchema, kindOf } from './claims';
export type { TokenClaims, TempTokenClaims, TokenKind, VerifiedToken } from './claims';
export { AuthError, AUTH_FAILURE_REASONS, fromJoseError } from './errors';
export type { AuthFailureReason } from './errors';
export { createKvRevocationList, createRevocationMirror, revoke, jtiKey, subjectKey, issuedKey, type RevocationMirror } from './revocation';
export type { RevocationList, RevocationKv, RevocationPublisher, RevokeInput, RevokerDeps, RevocationEvent } from './revocation';
export { safeEqual, matchesAny, sha256Hex } from './compare';
export { JwtEnv, verifyingTokenService, type JwtConfig } from './jwt-env';
