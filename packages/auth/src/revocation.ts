/**
 * Credential revocation. Token verification stays stateless; a `RevocationList` answers "was this
 * token revoked?" from the `<p>_revoked` KV bucket, which the registry writes (logout,
 * unregistration) and every gateway reads, so a replica that starts later still refuses a revoked
 * token. `revoke` also publishes a RevocationEvent so live sockets can be closed at once.
 */
import { decodeJsonOr, encodeJson, RevocationEventSchema, type RevocationEvent } from '@arcp/protocol';
import { z } from 'zod';
import { type TokenClaims } from './claims';
import { sha256Hex } from './compare';

export type { RevocationEvent };

export interface RevocationList {
  isRevoked(claims: TokenClaims): Promise<boolean>;
}

/** The slice of the Bus KV port used here; service-kit's `KvStore` satisfies it. */
export interface RevocationKv {
  get(key: string): Promise<{ readonly value: Uint8Array } | null>;
  put(key: string, value: Uint8Array): Promise<number>;
}

/** The slice of the Bus used to announce revocations. */
export interface RevocationPublisher {
  publish(subject: string, data: Uint8Array): void;
}

export interface RevokeInput {
  kind: 'agent' | 'admin';
  /** Token `sub`; with neither `jti` nor `iat`, every token of this subject issued before now is revoked. */
  subject: string;
  /** Revoke exactly one token. */
  jti?: string;
  /** Revoke the token of `subject` issued at `iat` that has no `jti` (tokens minted elsewhere). */
  iat?: number;
  /** Epoch ms after which the entry is moot (the revoked tokens have expired by then). */
  untilMs: number;
}

/** What the bucket stores: the event plus the revocation instant for per-subject entries. */
interface StoredRevocation {
  /** Epoch seconds, as in the event. */
  until: number;
  revoked_at_ms: number;
}

export function jtiKey(jti: string): string {
  return `jti.${sha256Hex(jti)}`;
}

export function subjectKey(kind: 'agent' | 'admin', subject: string): string {
  return `sub.${kind}.${sha256Hex(subject)}`;
}

/** One token without a `jti`: its subject and issue second. */
export function issuedKey(kind: 'agent' | 'admin', subject: string, iat: number): string {
  return `tok.${kind}.${sha256Hex(subject)}.${iat}`;
}

/** Issue instant of a token in ms; tokens without `iat_ms` count from the start of their second. */
function issuedAtMs(claims: TokenClaims): number {
  return claims.iat_ms ?? claims.iat * 1000;
}

const StoredRevocationSchema = z.looseObject({ until: z.number(), revoked_at_ms: z.number() });

function decode(value: Uint8Array): StoredRevocation | null {
  return decodeJsonOr(StoredRevocationSchema, value) ?? null;
}

export function createKvRevocationList(kv: RevocationKv, now: () => number = Date.now): RevocationList {
  async function active(key: string): Promise<StoredRevocation | null> {
    const entry = await kv.get(key);
    if (entry === null || entry.value.length === 0) return null;
    const stored = decode(entry.value);
    return stored !== null && stored.until * 1000 > now() ? stored : null;
  }
  return {
    async isRevoked(claims) {
      const kind = claims.role;
      const exact = claims.jti !== undefined ? jtiKey(claims.jti) : issuedKey(kind, claims.sub, claims.iat);
      const [byToken, bySubject] = await Promise.all([active(exact), active(subjectKey(kind, claims.sub))]);
      if (byToken !== null) return true;
      // Same-millisecond counts as before: when in doubt, refuse.
      return bySubject !== null && issuedAtMs(claims) <= bySubject.revoked_at_ms;
    },
  };
}

/**
 * The same list over a local copy of the bucket (key → value, kept current by a KV watch): no
 * round trip per check, and it keeps answering while the bus reconnects.
 */
export function createMirroredRevocationList(entries: ReadonlyMap<string, Uint8Array>, now: () => number = Date.now): RevocationList {
  return createKvRevocationList(
    {
      get: async (key) => {
        const value = entries.get(key);
        return value === undefined ? null : { value };
      },
      put: () => Promise.reject(new Error('a mirrored revocation list is read-only')),
    },
    now,
  );
}

export interface RevokerDeps {
  kv: RevocationKv;
  bus: RevocationPublisher;
  /** `subjects(prefix).revocations`. */
  busSubject: string;
  now?: () => number;
}

/** Writes the revocation (durable first), then announces it; resolves with the published event. */
export async function revoke(deps: RevokerDeps, input: RevokeInput): Promise<RevocationEvent> {
  const nowMs = (deps.now ?? Date.now)();
  const event = RevocationEventSchema.parse({
    kind: input.kind,
    subject: input.subject,
    ...(input.jti !== undefined ? { jti: input.jti } : input.iat !== undefined ? { iat: input.iat } : {}),
    until: Math.ceil(input.untilMs / 1000),
  });
  const key =
    input.jti !== undefined
      ? jtiKey(input.jti)
      : input.iat !== undefined
        ? issuedKey(input.kind, input.subject, input.iat)
        : subjectKey(input.kind, input.subject);
  await deps.kv.put(key, encodeJson({ ...event, revoked_at_ms: nowMs }));
  deps.bus.publish(deps.busSubject, encodeJson(event));
  return event;
}
