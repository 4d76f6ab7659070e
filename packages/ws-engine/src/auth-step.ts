/**
 * The first-message authentication step: the channel verifies the frame, the engine enforces the
 * deadline, closes failures with the channel's code, and on success replays held frames.
 */
import { CloseCodes, CloseReasons } from '@arcp/protocol';
import type { AuthResult } from './endpoint';
import { reasonLabel } from './socket-metrics';
import type { UwsConnection } from './uws-connection';
import { guard, type InboundContext } from './context';

export const DEFAULT_AUTH_TIMEOUT_MS = 30_000;

type Dispatch = (ctx: InboundContext, conn: UwsConnection, text: string) => void;

/** Starts the auth deadline and lets the channel greet the socket (e.g. `auth_required`). */
export function startAuth(ctx: InboundContext, conn: UwsConnection): void {
  const auth = ctx.def.auth!;
  const ms = ctx.def.limits.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
  conn.deadline = setTimeout(() => {
    if (!conn.isOpen || conn.phase === 'ready') return;
    ctx.metrics.authFailures.inc({ channel: ctx.def.name, reason: 'timeout' });
    ctx.logger.debug(
      { channel: ctx.def.name, conn: conn.id, client_ip: conn.remoteAddress, phase: conn.phase, timeout_ms: ms },
      'auth deadline passed, closing',
    );
    conn.cork(() => {
      if (auth.timeoutFrame !== undefined) conn.send(auth.timeoutFrame, false, 'auth_error');
      conn.close(auth.timeoutCloseCode, auth.timeoutReason);
    });
  }, ms);
  ctx.logger.debug(
    { channel: ctx.def.name, conn: conn.id, client_ip: conn.remoteAddress, timeout_ms: ms },
    'socket waiting for its auth message',
  );
  if (auth.onOpen) guard(ctx, conn, () => auth.onOpen!(conn));
}

export async function authenticate(ctx: InboundContext, conn: UwsConnection, text: string, dispatch: Dispatch): Promise<void> {
  conn.phase = 'verifying';
  // The frame's size only: it holds the credential.
  ctx.logger.debug(
    { channel: ctx.def.name, conn: conn.id, client_ip: conn.remoteAddress, bytes: text.length },
    'auth message received, verifying',
  );
  let result: AuthResult;
  try {
    result = await ctx.def.auth!.onFirstMessage(conn, text);
  } catch (err) {
    ctx.logger.error({ err, channel: ctx.def.name, conn: conn.id }, 'auth step failed');
    result = { ok: false, code: CloseCodes.INTERNAL_ERROR, reason: CloseReasons[CloseCodes.INTERNAL_ERROR] };
  }
  if (!conn.isOpen) return; // Deadline passed or the client left while verifying.
  clearTimeout(conn.deadline as NodeJS.Timeout | undefined);
  conn.deadline = undefined;
  const outcome = result;
  conn.cork(() => (outcome.ok ? accept(ctx, conn, outcome, dispatch) : reject(ctx, conn, outcome)));
}

/** Sent with the close when the authenticated cap was reached while this socket verified its token. */
export const CAP_REACHED_REASON = 'Connection limit reached, retry later';

function accept(
  ctx: InboundContext,
  conn: UwsConnection,
  { principal, expiresAtMs }: Extract<AuthResult, { ok: true }>,
  dispatch: Dispatch,
): void {
  if (!ctx.admission.authenticated(conn.remoteAddress)) {
    ctx.metrics.rejected.inc({ channel: ctx.def.name, reason: 'cap' });
    conn.close(CloseCodes.TRY_AGAIN_LATER, CAP_REACHED_REASON);
    return;
  }
  ctx.cells.pending.dec();
  ctx.cells.connections.inc();
  conn.principal = principal;
  conn.phase = 'ready';
  ctx.logger.debug({ channel: ctx.def.name, conn: conn.id, client_ip: conn.remoteAddress }, 'socket authenticated');
  if (expiresAtMs !== undefined) conn.deadline = ctx.expiry.add(conn, expiresAtMs);
  if (!conn.isOpen) return; // Expired while it was verified (within the verifier's clock tolerance).
  guard(ctx, conn, () => ctx.def.onOpen(conn));
  for (const text of conn.takeHeld()) {
    if (!conn.isOpen) return;
    dispatch(ctx, conn, text);
  }
}

function reject(ctx: InboundContext, conn: UwsConnection, result: Extract<AuthResult, { ok: false }>): void {
  ctx.metrics.authFailures.inc({ channel: ctx.def.name, reason: reasonLabel(result.reason) });
  ctx.logger.debug(
    { channel: ctx.def.name, conn: conn.id, client_ip: conn.remoteAddress, code: result.code, reason: result.reason },
    'auth refused, closing',
  );
  if (result.frame !== undefined) conn.send(result.frame, false, 'auth_error');
  conn.close(result.code, result.reason);
}

/**
 * Closes an authenticated socket with 4202 when its token's `exp` passes (at once if it already
 * has; counted by the closed-sockets metric under 4202): what the endpoint's expiry clock runs.
 */
export function expireCredential(conn: UwsConnection): void {
  conn.deadline = undefined;
  if (conn.isOpen) conn.close(CloseCodes.TOKEN_EXPIRED, CloseReasons[CloseCodes.TOKEN_EXPIRED]);
}
