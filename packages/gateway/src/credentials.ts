/**
 * Token checks for the authenticated channels: stateless jose verification plus the revocation
 * bucket (so a replica that starts after a logout still refuses the token), and the live side of
 * revocation: a RevocationEvent on the bus closes every matching socket of this replica.
 *
 * The bucket is mirrored locally through a KV watch and indexed by the tokens' own identifiers,
 * so checking a token is two Map lookups in the calling turn: with a request per check, a
 * reconnect storm spent most of its time in NATS requests for keys that do not exist, and with
 * hashed keys, two SHA-256 digests per check.
 */
import { AuthError, createRevocationMirror, type TokenClaims, type TokenKind, type TokenService, type VerifiedToken } from '@arcp/auth';
import { CloseCodes, CloseReasons, RevocationEventSchema, decodeJson, subjects, type RevocationEvent } from '@arcp/protocol';
import { createAuditLog, followKv, type Bus, type LoggerLike, type Subscription } from '@arcp/service-kit';
import type { Connection, EndpointHandle } from '@arcp/ws-engine';

/** Where a token was presented, for the audit line of a rejection. */
export interface TokenOrigin {
  readonly ip: string;
  /** The channel's path. */
  readonly endpoint: string;
}

export interface CredentialGate {
  /**
   * Verifies signature, expiry, kind and revocation; rejects with AuthError after writing one
   * audit line (reason, address, channel; never the token).
   */
  verify(token: string, accept: readonly TokenKind[], origin: TokenOrigin): Promise<VerifiedToken>;
  /**
   * Closes this replica's sockets whose principal a revocation names (code 4009). Returns the
   * bus subscription; `claimsOf` reads the verified claims a channel stored as the principal.
   */
  closeRevoked(handle: EndpointHandle, claimsOf: (conn: Connection) => TokenClaims | undefined): Subscription;
  /** Stops mirroring the revocation bucket. */
  stop(): void;
}

export interface CredentialGateDeps {
  bus: Bus;
  prefix: string;
  tokens: TokenService;
  logger: LoggerLike;
  now?: () => number;
}

/** Whether a revocation event covers a token with these claims. */
export function revocationMatches(event: RevocationEvent, claims: TokenClaims): boolean {
  if (event.kind !== claims.role) return false;
  if (event.jti !== undefined) return event.jti === claims.jti;
  if (event.iat !== undefined) return claims.jti === undefined && event.subject === claims.sub && event.iat === claims.iat;
  return event.subject === claims.sub;
}

export async function createCredentialGate(deps: CredentialGateDeps): Promise<CredentialGate> {
  const names = subjects(deps.prefix);
  const revoked = createRevocationMirror(deps.now);
  const watch = await followKv(await deps.bus.kv(names.revokedBucket), (entry) => revoked.apply(entry.key, entry.value));
  const audit = createAuditLog(deps.logger);
  async function check(token: string, accept: readonly TokenKind[]): Promise<VerifiedToken> {
    const verified = await deps.tokens.verify(token, { accept });
    if (revoked.isRevokedNow(verified.claims)) throw new AuthError('revoked', 'token was revoked');
    return verified;
  }
  return {
    stop: () => watch.stop(),
    async verify(token, accept, origin) {
      try {
        return await check(token, accept);
      } catch (err) {
        if (err instanceof AuthError)
          audit.record('token_rejected', { reason: err.reason, client_ip: origin.ip, endpoint: origin.endpoint });
        throw err;
      }
    },
    closeRevoked(handle, claimsOf) {
      return deps.bus.subscribe(names.revocations, (msg) => {
        const event = decodeJson(RevocationEventSchema, msg.data);
        if (!event.ok) {
          deps.logger.warn({ channel: handle.name, error: event.error }, 'ignoring malformed revocation event');
          return;
        }
        const closed = handle.closeWhere(
          (conn) => {
            const claims = claimsOf(conn);
            return claims !== undefined && revocationMatches(event.value, claims);
          },
          CloseCodes.REVOKED,
          CloseReasons[CloseCodes.REVOKED],
        );
        if (closed > 0)
          deps.logger.info({ channel: handle.name, kind: event.value.kind, closed }, 'closed sockets of a revoked credential');
      });
    },
  };
}
