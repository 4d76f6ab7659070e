/**
 * What a close means for the client, from the protocol's close-code table: reconnect (drain,
 * restart, dropped connection, slow consumer), stop with a typed error (auth, revoked, flood,
 * client bugs), or done (a normal close by the server).
 */
import { CloseCodes, isReconnectCode } from '@arcp/protocol/wire';
import { ArcpAuthError, ArcpClosedError, ArcpRateLimitedError, ArcpRevokedError } from './errors';

export type CloseVerdict = { action: 'reconnect' } | { action: 'done' } | { action: 'stop'; error: ArcpClosedError };

const AUTH_CODES = new Set<number>([
  CloseCodes.POLICY_VIOLATION,
  CloseCodes.DASHBOARD_MALFORMED,
  CloseCodes.DASHBOARD_UNAUTHORIZED,
  CloseCodes.DASHBOARD_FORBIDDEN,
]);

/** 1005 (no status) is what a client sees when a peer closes without a code: treat it as a drop. */
const NO_STATUS = 1005;

export function closeVerdict(code: number, reason: string): CloseVerdict {
  if (isReconnectCode(code) || code === NO_STATUS) return { action: 'reconnect' };
  if (code === CloseCodes.NORMAL) return { action: 'done' };
  if (AUTH_CODES.has(code))
    return { action: 'stop', error: new ArcpAuthError(code, reason, `authentication refused: ${code}${reason ? ` ${reason}` : ''}`) };
  if (code === CloseCodes.REVOKED) return { action: 'stop', error: new ArcpRevokedError(code, reason, `credential revoked (${code})`) };
  if (code === CloseCodes.RATE_LIMITED)
    return { action: 'stop', error: new ArcpRateLimitedError(code, reason, `rate limited by the server (${code})`) };
  return { action: 'stop', error: new ArcpClosedError(code, reason) };
}
