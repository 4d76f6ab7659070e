/**
 * The operator's session: the admin token from `POST /auth/login`, kept in this tab's
 * sessionStorage (never in a URL, gone when the tab closes; a reload keeps it) with its expiry
 * read from the token. Sign-out revokes it on the server.
 */
import { tokenExpiry } from '@arcp/client';

export const SESSION_KEY = 'arcp.dashboard.session';

export interface Session {
  readonly token: string;
  readonly username: string;
  /** Epoch ms from the token's `exp`; null when it has none. */
  readonly expiresAt: number | null;
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function newSession(token: string, username: string): Session {
  return { token, username, expiresAt: tokenExpiry(token)?.getTime() ?? null };
}

export function isExpired(s: Session, nowMs: number): boolean {
  return s.expiresAt !== null && s.expiresAt <= nowMs;
}

/** The stored session, or null (none, or not a session this page wrote). */
export function loadSession(store: Store): Session | null {
  const raw = store.getItem(SESSION_KEY);
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as { token?: unknown; username?: unknown };
    if (typeof v.token !== 'string' || v.token === '' || typeof v.username !== 'string') throw new Error('not a session');
    return newSession(v.token, v.username);
  } catch {
    store.removeItem(SESSION_KEY);
    return null;
  }
}

export function saveSession(store: Store, s: Session): void {
  store.setItem(SESSION_KEY, JSON.stringify({ token: s.token, username: s.username }));
}

export function clearSession(store: Store): void {
  store.removeItem(SESSION_KEY);
}
