/**
 * The JWT settings of every process that issues or verifies tokens (the registry signs, the
 * agents and dashboard gateways verify), parsed from one schema so they cannot drift apart.
 */
import { z } from 'zod';
import { MIN_SECRET_LENGTH, TOKEN_ALGORITHMS, createTokenService, type TokenService } from './token-service';

const blank = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const JwtEnv = z.object({
  // Shared HMAC secret of every token: the registry signs with it, the gateways verify with it.
  JWT_SECRET: z.preprocess(
    blank,
    z
      .string({ error: `JWT_SECRET is required (at least ${MIN_SECRET_LENGTH} characters)` })
      .min(MIN_SECRET_LENGTH, `JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`),
  ),
  // Pinned signing algorithm: tokens signed any other way (or unsigned) are rejected.
  JWT_ALGORITHM: z.preprocess(blank, z.enum(TOKEN_ALGORITHMS).default('HS256')),
});
export type JwtConfig = z.infer<typeof JwtEnv>;

/** A token service used only to verify; lifetimes matter to the issuer (the registry) alone. */
export function verifyingTokenService(config: JwtConfig): TokenService {
  return createTokenService({ secret: config.JWT_SECRET, algorithm: config.JWT_ALGORITHM, agentTtlS: 1, adminTtlS: 1, tempTtlS: 1 });
}
