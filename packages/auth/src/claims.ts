/**
 * The claims our tokens carry (as in the original ARCP server) and the schema a verified payload must satisfy.
 * Three kinds share one shape: `agent` (access token), `admin` (login) and `temp` (registration
 * only, `temp_registration: true`).
 */
import { z } from 'zod';

export type TokenKind = 'agent' | 'admin' | 'temp';

const Base = z.object({
  sub: z.string().min(1),
  agent_id: z.string().min(1),
  role: z.enum(['agent', 'admin']),
  scopes: z.array(z.string()),
  iat: z.number(),
  exp: z.number(),
  // Our tokens carry a random id (revocation of exactly one token); tokens minted elsewhere with
  // the documented claims only (another ARCP server sharing the secret, an operator's script)
  // have none and are revoked by subject and issue time instead.
  jti: z.string().min(1).optional(),
  // Issue instant in milliseconds: per-subject revocation must tell a token minted just before
  // an unregistration from one minted just after (re-registration), and `iat` has 1 s steps.
  iat_ms: z.number().optional(),
  iss: z.string().optional(),
});

const TempExtra = z.object({
  temp_registration: z.literal(true),
  token_type: z.literal('temp'),
  agent_type: z.string().min(1),
  agent_key_hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export const TokenClaimsSchema = Base.extend({
  temp_registration: z.boolean().optional(),
  token_type: z.string().optional(),
  agent_type: z.string().optional(),
  agent_key_hash: z.string().optional(),
});

export type TokenClaims = z.infer<typeof TokenClaimsSchema>;
export type TempTokenClaims = TokenClaims & z.infer<typeof TempExtra>;

/** Classifies a structurally valid payload; a temp marker without the temp fields is malformed. */
export function kindOf(claims: TokenClaims): TokenKind | null {
  if (claims.temp_registration === true || claims.token_type === 'temp') {
    return claims.role === 'agent' && TempExtra.safeParse(claims).success ? 'temp' : null;
  }
  return claims.role;
}

export interface VerifiedToken<K extends TokenKind = TokenKind> {
  readonly kind: K;
  readonly claims: K extends 'temp' ? TempTokenClaims : TokenClaims;
  /** Epoch ms from which `verify` refuses this token: its `exp` plus the clock tolerance. */
  readonly validUntilMs: number;
}
