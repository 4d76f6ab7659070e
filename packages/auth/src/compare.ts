/**
 * Constant-time comparisons for shared secrets (agent keys, the admin password). Both sides are
 * hashed first so the comparison time depends on neither the secret's length nor its content.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a UTF-8 string as lower-case hex (agent key bindings, revocation keys). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when `a` and `b` are equal; runs in the same time whatever they contain. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Digests of a configured list, computed once per list (the config's arrays live as long as the process). */
const listDigests = new WeakMap<readonly string[], readonly Buffer[]>();

/**
 * True when `candidate` equals one of `secrets`. Every entry is compared (no early exit), so the
 * time does not tell which entry matched or how many there are before it. The candidate is
 * hashed once and the list's digests are kept, so a check costs one hash whatever the list's
 * length (thousands of agent keys stay cheap).
 */
export function matchesAny(candidate: string, secrets: readonly string[]): boolean {
  let digests = listDigests.get(secrets);
  if (digests === undefined || digests.length !== secrets.length) {
    digests = secrets.map(digest);
    listDigests.set(secrets, digests);
  }
  const probe = digest(candidate);
  let found = false;
  for (const d of digests) {
    if (timingSafeEqual(probe, d)) found = true;
  }
  return found;
}
