/**
 * Caching what is built from the directory (a view, an encoded list) until it would be wrong:
 * rebuilt at once after a change of membership, status or registration (`version`), and after
 * heartbeats (`freshness`) at most once per `maxStaleMs`, so `last_seen` values in frames lag a
 * heartbeat by at most that much while a storm of heartbeats costs no rebuild per request.
 */
import type { DirectoryReader } from '@arcp/directory';

export const LAST_SEEN_REFRESH_MS = 1000;

export interface DirectoryCache<T> {
  get(): T;
}

export function directoryCache<T>(
  dir: Pick<DirectoryReader, 'version' | 'freshness'>,
  build: () => T,
  now: () => number = Date.now,
  maxStaleMs = LAST_SEEN_REFRESH_MS,
): DirectoryCache<T> {
  let cached: { value: T; version: number; freshness: number; at: number } | undefined;
  return {
    get() {
      const stale =
        cached === undefined || cached.version !== dir.version || (cached.freshness !== dir.freshness && now() - cached.at >= maxStaleMs);
      if (stale) cached = { value: build(), version: dir.version, freshness: dir.freshness, at: now() };
      return cached!.value;
    },
  };
}
