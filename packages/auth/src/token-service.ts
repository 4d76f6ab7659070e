/**
 * Issues and verifies the registry's JWTs with jose: temp registration, agent access and admin
 * tokens (the original ARCP server's claims plus a random `jti`). The algorithm is pinned to the configured
 * one, so `alg: none` or another HMAC variant never verifies. Verification is stateless;
 * revocation is checked separately (`revocation.ts`).
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { AuthError, fromJoseError } from './errors';
import { kindOf, TokenClaimsSchema, type TokenClaims, type TokenKind, type VerifiedToken } from './claims';

export const TOKEN_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

/** HMAC keys shorter than this are guessable offline from any captured token. */
export const MIN_SECRET_LENGTH = 32;

export interface TokenServiceOptions {
  secret: string;
  algorithm?: TokenAlgorithm;
  agentTtlS: number;
  adminTtlS: number;
  tempTtlS: number;
  issuer?: string;
  /** Accepted skew between our clock and the issuer's when checking `exp`. */
  clockToleranceS?: number;
  /** Epoch milliseconds; injectable so tests can move time. */
  now?: () => number;
}

export interface TempTokenInput {
  agentId: string;
  agentType: string;
  /** SHA-256 hex of the agent key the token was issued for (binds key ↔ agent at register). */
  agentKeyHash: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly claims: TokenClaims;
  /** Lifetime in seconds, exactly what `exp - iat` says. */
  readonly expiresIn: number;
}

export interface VerifyOptions {
  accept: readonly TokenKind[];
}

export interface TokenService {
  readonly ttl: Readonly<Record<TokenKind, number>>;
  issueTemp(input: TempTokenInput): Promise<IssuedToken>;
  issueAgent(agentId: string): Promise<IssuedToken>;
  issueAdmin(username: string): Promise<IssuedToken>;
  /** A fresh token of the same kind and identity; temp tokens cannot be refreshed. */
  refresh(verified: VerifiedToken): Promise<IssuedToken>;
  /** Resolves with the typed token or rejects with an AuthError. */
  verify(token: string | null | undefined, opts: VerifyOptions): Promise<VerifiedToken>;
}

type Identity = Pick<TokenClaims, 'sub' | 'agent_id' | 'role' | 'scopes'> & Record<string, unknown>;

export function createTokenService(opts: TokenServiceOptions): TokenService {
  if (opts.secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`token secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const alg = opts.algorithm ?? 'HS256';
  // One KeyObject for the life of the service, so jose signs and verifies with node:crypto's HMAC
  // in the calling thread: no key import per call, and no hop to the thread pool that WebCrypto
  // takes for every verification (measured: 13 µs of CPU per verification against 33 µs).
  const key = createSecretKey(Buffer.from(opts.secret, 'utf8'));
  const now = opts.now ?? Date.now;
  const ttl = Object.freeze({ agent: opts.agentTtlS, admin: opts.adminTtlS, temp: opts.tempTtlS });

  async function sign(identity: Identity, lifetimeS: number): Promise<IssuedToken> {
    const nowMs = now();
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + lifetimeS;
    const payload = { ...identity, iat_ms: nowMs, jti: randomBytes(16).toString('base64url') };
    let builder = new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt(iat).setExpirationTime(exp);
    if (opts.issuer !== undefined) builder = builder.setIssuer(opts.issuer);
    const token = await builder.sign(key);
    const claims = TokenClaimsSchema.parse({ ...payload, iat, exp, iss: opts.issuer });
    return { token, claims, expiresIn: lifetimeS };
  }

  const tolerance = opts.clockToleranceS ?? 5;
  async function verify(token: string | null | undefined, vopts: VerifyOptions): Promise<VerifiedToken> {
    if (token === undefined || token === null || token.trim() === '') {
      throw new AuthError('missing', 'token required');
    }
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token.trim(), key, {
        algorithms: [alg],
        issuer: opts.issuer,
        clockTolerance: tolerance,
        currentDate: new Date(now()),
      }));
    } catch (err) {
      throw fromJoseError(err);
    }
    return classify(payload, vopts.accept, tolerance);
  }

  return {
    ttl,
    issueTemp: (input) =>
      sign(
        {
          sub: `temp_${input.agentId}`,
          agent_id: input.agentId,
          role: 'agent',
          scopes: [],
          temp_registration: true,
          token_type: 'temp',
          agent_type: input.agentType.toLowerCase(),
          agent_key_hash: input.agentKeyHash,
        },
        ttl.temp,
      ),
    issueAgent: (agentId) => sign({ sub: agentId, agent_id: agentId, role: 'agent', scopes: [] }, ttl.agent),
    issueAdmin: (username) =>
      sign({ sub: username, agent_id: `user_${username}`, role: 'admin', scopes: ['admin', 'agent_management'] }, ttl.admin),
    refresh: async (verified) => {
      if (verified.kind === 'temp') throw new AuthError('temp_not_allowed', 'temporary tokens cannot be refreshed');
      const { sub, agent_id, role, scopes } = verified.claims;
      return sign({ sub, agent_id, role, scopes }, ttl[verified.kind]);
    },
    verify,
  };
}

function classify(payload: unknown, accept: readonly TokenKind[], toleranceS: number): VerifiedToken {
  const parsed = TokenClaimsSchema.safeParse(payload);
  if (!parsed.success) throw new AuthError('malformed', 'token claims are incomplete');
  const kind = kindOf(parsed.data);
  if (kind === null) throw new AuthError('malformed', 'token claims are inconsistent');
  if (!accept.includes(kind)) {
    if (kind === 'temp') throw new AuthError('temp_not_allowed', 'temporary registration token not accepted here');
    throw new AuthError('wrong_role', `${kind} token not accepted here`);
  }
  return { kind, claims: parsed.data, validUntilMs: (parsed.data.exp + toleranceS) * 1000 } as VerifiedToken;
}
