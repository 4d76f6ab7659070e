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

/**
 * What one bucket entry covers: one token by its `jti`, one token without a `jti` by subject and
 * issue second, or (neither) every token of a subject issued before the revocation.
 */
interface RevocationTarget {
  kind: 'agent' | 'admin';
  subject: string;
  jti?: string | undefined;
  iat?: number | undefined;
}

/** The bucket key of a target (its identifiers hashed: NATS keys allow few characters). */
function keyOf(t: RevocationTarget): string {
  if (t.jti !== undefined) return jtiKey(t.jti);
  return t.iat !== undefined ? issuedKey(t.kind, t.subject, t.iat) : subjectKey(t.kind, t.subject);
}

/** The same target with its identifiers in the clear: the mirror's index. */
function identityOf(t: RevocationTarget): string {
  if (t.jti !== undefined) return `jti\0${t.jti}`;
  return t.iat !== undefined ? `tok\0${t.kind}\0${t.subject}\0${t.iat}` : `sub\0${t.kind}\0${t.subject}`;
}

/** A token's own entry, and its subject's. */
const tokenTarget = (c: TokenClaims): RevocationTarget => ({ kind: c.role, subject: c.sub, jti: c.jti, iat: c.iat });
const subjectTarget = (c: TokenClaims): RevocationTarget => ({ kind: c.role, subject: c.sub });

/** Issue instant of a token in ms; tokens without `iat_ms` count from the start of their second. */
function issuedAtMs(claims: TokenClaims): number {
  return claims.iat_ms ?? claims.iat * 1000;
}

const StoredRevocationSchema = z.looseObject({ until: z.number(), revoked_at_ms: z.number() });

function decode(value: Uint8Array): StoredRevocation | null {
  return decodeJsonOr(StoredRevocationSchema, value) ?? null;
}

/** Whether the entries found for a token (its own, its subject's) revoke it at `nowMs`. */
function judge(claims: TokenClaims, byToken: StoredRevocation | null, bySubject: StoredRevocation | null, nowMs: number): boolean {
  if (byToken !== null && byToken.until * 1000 > nowMs) return true;
  // Same-millisecond counts as before: when in doubt, refuse.
  return bySubject !== null && bySubject.until * 1000 > nowMs && issuedAtMs(claims) <= bySubject.revoked_at_ms;
}

export function createKvRevocationList(kv: RevocationKv, now: () => number = Date.now): RevocationList {
  async function stored(key: string): Promise<StoredRevocation | null> {
    const entry = await kv.get(key);
    return entry === null || entry.value.length === 0 ? null : decode(entry.value);
  }
  return {
    async isRevoked(claims) {
      const [byToken, bySubject] = await Promise.all([stored(keyOf(tokenTarget(claims))), stored(keyOf(subjectTarget(claims)))]);
      return judge(claims, byToken, bySubject, now());
    },
  };
}

/** A revocation list over a local copy of the bucket, fed one watched entry at a time. */
export interface RevocationMirror extends RevocationList {
  /** A watched entry: its value on a put, empty (or `undefined`) on a delete or purge. */
  apply(key: string, value: Uint8Array | undefined): void;
  /** The same answer as `isRevoked`, synchronously. */
  isRevokedNow(claims: TokenClaims): boolean;
}

const IndexedRevocationSchema = z.looseObject({
  kind: z.enum(['agent', 'admin']),
  subject: z.string(),
  jti: z.string().optional(),
  iat: z.number().optional(),
  until: z.number(),
  revoked_at_ms: z.number(),
});

/**
 * The bucket's keys hash the token's identifiers (NATS keys allow few characters); its values
 * carry them in the clear, so the mirror indexes entries by the identifiers themselves and a
 * check is two Map lookups: no hashing, no decoding, no round trip, and it keeps answering while
 * the bus reconnects. An entry whose value does not name what its key covers (written by hand, or
 * by a version before the values carried it) is kept by key and checked the hashed way.
 */
export function createRevocationMirror(now: () => number = Date.now): RevocationMirror {
  const byIdentity = new Map<string, StoredRevocation>();
  const identityOfKey = new Map<string, string>();
  const byKey = new Map<string, StoredRevocation>();
  function forget(key: string): void {
    const identity = identityOfKey.get(key);
    if (identity !== undefined) byIdentity.delete(identity);
    identityOfKey.delete(key);
    byKey.delete(key);
  }

  function isRevokedNow(claims: TokenClaims): boolean {
    const nowMs = now();
    const indexed = judge(
      claims,
      byIdentity.get(identityOf(tokenTarget(claims))) ?? null,
      byIdentity.get(identityOf(subjectTarget(claims))) ?? null,
      nowMs,
    );
    if (indexed || byKey.size === 0) return indexed;
    return judge(claims, byKey.get(keyOf(tokenTarget(claims))) ?? null, byKey.get(keyOf(subjectTarget(claims))) ?? null, nowMs);
  }

  return {
    apply(key, value) {
      forget(key);
      if (value === undefined || value.length === 0) return;
      const entry = decodeJsonOr(IndexedRevocationSchema, value);
      if (entry === undefined) {
        const opaque = decode(value);
        if (opaque !== null) byKey.set(key, opaque);
        return;
      }
      // Indexed only when the identifiers in the value are the ones the key was made from.
      if (keyOf(entry) !== key) {
        byKey.set(key, entry);
        return;
      }
      const identity = identityOf(entry);
      byIdentity.set(identity, entry);
      identityOfKey.set(key, identity);
    },
    isRevokedNow,
    isRevoked: async (claims) => isRevokedNow(claims),
  };
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
  await deps.kv.put(keyOf(input), encodeJson({ ...event, revoked_at_ms: nowMs }));
  deps.bus.publish(deps.busSubject, encodeJson(event));
  return event;
}
