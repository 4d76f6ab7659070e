/**
 * Credentials for the authenticated channels: a fixed token or a provider called before every
 * (re)connect, so a long-lived client can hand over a refreshed token on resume. Expiry is read
 * from the JWT's `exp` without verifying it (the server verifies); an expired token is refused
 * locally instead of being sent to fail.
 */
import { ArcpTokenExpiredError } from './errors';

export type TokenSource = string | (() => string | Promise<string>);

/** The `exp` of a JWT as a Date, or undefined when the token is not a readable JWT. */
export function tokenExpiry(token: string): Date | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const b64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const claims = JSON.parse(atob(b64)) as { exp?: unknown };
    return typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the source; throws `ArcpTokenExpiredError` for a token whose `exp` has passed. */
export async function resolveToken(source: TokenSource, now: () => number = Date.now): Promise<string> {
  const token = typeof source === 'function' ? await source() : source;
  const exp = tokenExpiry(token);
  if (exp !== undefined && exp.getTime() <= now()) throw new ArcpTokenExpiredError(exp);
  return token;
}
