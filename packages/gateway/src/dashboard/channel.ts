/**
 * `/dashboard/ws` handlers: the `{"type":"auth"}` handshake with the contract's close codes
 * (4000 malformed, 4001 unauthorized, 4003 not admin; no error frame), the initial burst from
 * the metrics service, and the commands. Plain functions over the neutral Connection.
 */
import { AuthError, type TokenClaims, type VerifiedToken } from '@arcp/auth';
import type { AuthResult, Connection, EndpointDefinition, EndpointLimits } from '@arcp/ws-engine';
import {
  DashboardAuthFailures,
  Topics,
  errorFrame,
  parseDashboardAuth,
  parseDashboardCommand,
  type DashboardAuthFailure,
} from '@arcp/protocol';
import { runCommand, sendWithAgents, type CommandDeps } from './commands';

export interface DashboardChannelDeps extends CommandDeps {
  limits: EndpointLimits;
  /** Verifies an admin token (signature, expiry, revocation); any role is returned for the 4003 check. */
  /** Resolves admin tokens only; any other valid token rejects with AuthError `wrong_role`. */
  verify(token: string, from: Connection): Promise<VerifiedToken>;
  /** Open authenticated dashboards on this replica (for the connection log line). */
  authenticatedCount(): number;
  /** What to send a new dashboard when its snapshot cannot be had (see producer-watch.ts). */
  fallbackBurst(reason: string, agents: Uint8Array | undefined): Uint8Array[];
  /** Counts a rejected client frame. */
  badFrame(reason: string): void;
}

function failure(kind: DashboardAuthFailure): AuthResult {
  const { code, reason } = DashboardAuthFailures[kind];
  return { ok: false, code, reason };
}

export function claimsOf(conn: Connection): TokenClaims | undefined {
  return (conn.principal as VerifiedToken | undefined)?.claims;
}

export function createDashboardChannel(deps: DashboardChannelDeps): EndpointDefinition {
  return {
    name: 'dashboard',
    path: '/dashboard/ws',
    limits: deps.limits,
    textPing: 'exact',
    jsonPing: true,
    auth: {
      async onFirstMessage(conn, text) {
        const parsed = parseDashboardAuth(text);
        if (!parsed.ok) return failure(parsed.failure);
        let verified: VerifiedToken;
        try {
          verified = await deps.verify(parsed.token, conn);
        } catch (err) {
          return failure(err instanceof AuthError && err.reason === 'wrong_role' ? 'forbidden' : 'invalid_token');
        }
        return verified.kind === 'admin' ? { ok: true, principal: verified, expiresAtMs: verified.validUntilMs } : failure('forbidden');
      },
      timeoutCloseCode: DashboardAuthFailures.timeout.code,
      timeoutReason: DashboardAuthFailures.timeout.reason,
    },
    async onOpen(conn) {
      conn.state.paused = false;
      deps.log('INFO', `New dashboard connection established (${deps.authenticatedCount()} total)`);
      // The agents frame comes from this gateway's copy of the directory (after its
      // read-your-writes barrier), the rest from the metrics service.
      // It never fails in practice (a local read); if it did, the rest is still sent.
      const agents = deps.agentsFrame().catch(() => undefined);
      try {
        sendWithAgents(conn, await deps.relay('snapshot'), await agents);
      } catch (err) {
        // The metrics service could not answer: the socket stays open (the reference closed it
        // 4000), gets the last frames this gateway saw, current agents and an alert saying the
        // rest is not fresh, and the periodic frames once the service is back.
        for (const bytes of deps.fallbackBurst(err instanceof Error ? err.message : String(err), await agents))
          conn.send(Buffer.from(bytes), false, 'fallback');
      }
      // Broadcasts only after the burst, so the first frames are always the reference's
      // monitoring, health, agents, logs even when the snapshot is slow; what was broadcast while
      // it was in flight is already in it (the periodic frames come again within an interval).
      // A pause_monitoring that arrived meanwhile holds.
      conn.subscribe(Topics.dashboardAlways);
      if (conn.state.paused !== true) conn.subscribe(Topics.dashboardPausable);
    },
    async onMessage(conn, text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        deps.badFrame('invalid_json');
        return void conn.send(JSON.stringify(errorFrame('Invalid JSON format')), false, 'error');
      }
      const parsed = parseDashboardCommand(value);
      if (!parsed.ok) {
        deps.badFrame(parsed.reason);
        // Unknown types are ignored as in the reference. Non-object JSON gets an error frame
        // instead of ending the connection, and a command with an invalid body (dashboard_log,
        // dashboard_alert) one saying what was wrong instead of the reference's silence.
        if (parsed.reason === 'not_object') conn.send(JSON.stringify(errorFrame(parsed.error)), false, 'error');
        if (parsed.reason === 'invalid') conn.send(JSON.stringify(errorFrame(`Invalid ${parsed.type}: ${parsed.error}`)), false, 'error');
        return;
      }
      await runCommand(conn, parsed.command, deps);
    },
    onClose() {},
  };
}
