/**
 * `/agents/ws` handlers: `auth_required` → `{token}` → `auth_success` + the bare list of every
 * agent, or `auth_error` + close 1008 with the reference's messages. The token is verified and the
 * directory brought up to date (read-your-writes barrier) before auth succeeds, so the list sent
 * right after reflects the registration that issued the token. After auth, pings are answered by
 * the engine, JSON objects are ignored as in the reference, and anything else gets an error frame.
 */
import { AuthError, type TokenClaims, type VerifiedToken } from '@arcp/auth';
import {
  AGENT_AUTH_CLOSE_CODE,
  AUTH_REQUIRED_FRAME,
  AUTH_SUCCESS_FRAME,
  AgentAuthFailures,
  Topics,
  authErrorFrame,
  errorFrame,
  parseAgentAuth,
  parseAgentsInbound,
  type AgentAuthFailure,
} from '@arcp/protocol';
import type { AuthResult, Connection, EndpointDefinition, EndpointLimits } from '@arcp/ws-engine';

const AUTH_REQUIRED_TEXT = JSON.stringify(AUTH_REQUIRED_FRAME);
const AUTH_SUCCESS_TEXT = JSON.stringify(AUTH_SUCCESS_FRAME);

export interface AgentsChannelDeps {
  limits: EndpointLimits;
  /** Verifies a token (signature, expiry, kind, revocation). */
  verify(token: string, from: Connection): Promise<VerifiedToken>;
  /** The read-your-writes barrier, awaited before auth succeeds. */
  sync(): Promise<unknown>;
  /** The current bare agent list, already encoded (shared by every socket until the next change). */
  currentList(): string | Buffer;
  /** Counts a rejected client frame. */
  badFrame(reason: string): void;
}

function failure(kind: AgentAuthFailure): AuthResult {
  const frame = authErrorFrame(kind);
  return {
    ok: false,
    code: AGENT_AUTH_CLOSE_CODE,
    reason: AgentAuthFailures[kind].reason,
    ...(frame ? { frame: JSON.stringify(frame) } : {}),
  };
}

/** Token check outcome → the reference's message: role problems are "Insufficient permissions". */
function failureFor(err: unknown): AgentAuthFailure {
  if (err instanceof AuthError && err.reason === 'wrong_role') return 'insufficient_permissions';
  return 'invalid_token';
}

export function claimsOf(conn: Connection): TokenClaims | undefined {
  return (conn.principal as VerifiedToken | undefined)?.claims;
}

export function createAgentsChannel(deps: AgentsChannelDeps): EndpointDefinition {
  return {
    name: 'agents',
    path: '/agents/ws',
    limits: deps.limits,
    textPing: 'trim-lower',
    jsonPing: true,
    auth: {
      onOpen: (conn) => void conn.send(AUTH_REQUIRED_TEXT, false, 'auth_required'),
      async onFirstMessage(conn, text) {
        const parsed = parseAgentAuth(text);
        if (!parsed.ok) return failure(parsed.failure);
        let principal: VerifiedToken;
        try {
          principal = await deps.verify(parsed.token, conn);
        } catch (err) {
          return failure(failureFor(err));
        }
        await deps.sync();
        return { ok: true, principal, expiresAtMs: principal.validUntilMs };
      },
      timeoutCloseCode: AGENT_AUTH_CLOSE_CODE,
      timeoutReason: AgentAuthFailures.timeout.reason,
    },
    onOpen(conn) {
      // Order matters for the reference clients: auth_success first, then the list.
      conn.send(AUTH_SUCCESS_TEXT, false, 'auth_success');
      conn.send(deps.currentList(), false, 'agent_list');
      conn.subscribe(Topics.agentsList);
    },
    onMessage(conn, text) {
      const parsed = parseAgentsInbound(text);
      if (parsed.ok) return;
      deps.badFrame(parsed.reason);
      conn.send(JSON.stringify(errorFrame(parsed.message)), false, 'error');
    },
    onClose() {},
  };
}
