/**
 * The JWT settings of every process that issues or verifies tokens (the registry signs, the
 * agents and dashboard gateways verify), parsed from one schema so they cannot drift apart.
 */
import { envEnum, envString } from '@arcp/service-kit';
import { z } from 'zod';
import { MIN_SECRET_LENGTH, TOKEN_ALGORITHMS, createTokenService, type TokenService } from './token-service';

export const JwtEnv = z.object({
  // Shared HMAC secret of every token: the registry signs with it, the gateways verify with it.
  JWT_SECRET: envString({
    minLength: MIN_SECRET_LENGTH,
    rule: `at least ${MIN_SECRET_LENGTH} characters`,
    requiredRule: `is required (at least ${MIN_SECRET_LENGTH} characters)`,
    secret: true,
  }),
  // Pinned signing algorithm: tokens signed any other way (or unsigned) are rejected.
  JWT_ALGORITHM: envEnum(TOKEN_ALGORITHMS, 'HS256'),
});
export type JwtConfig = z.infer<typeof JwtEnv>;

/** A token service used only to verify; lifetimes matter to the issuer (the registry) alone. */
export function verifyingTokenService(config: JwtConfig): TokenService {
  return createTokenService({ secret: config.JWT_SECRET, algorithm: config.JWT_ALGORITHM, agentTtlS: 1, adminTtlS: 1, tempTtlS: 1 });
}
