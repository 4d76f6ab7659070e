/**
 * `/agents/ws` frames (as in the original ARCP server): the auth handshake with its exact messages and
 * close reasons, the inbound `{token}` frame, and the bare agent list sent after auth.
 */
import * as z from 'zod';
import { CloseCodes } from '../codes';
import { isPlainObject, pyTruthy } from '../validation';
import { WsAgentWireSchema } from './common';

export const AUTH_REQUIRED_FRAME = Object.freeze({ type: 'auth_required', message: 'Send your authentication token' } as const);
export const AUTH_SUCCESS_FRAME = Object.freeze({ type: 'auth_success', message: 'Authentication successful' } as const);

/**
 * Every way the agent handshake fails: the `auth_error` message (none for the timeout, which
 * sends no frame) and the close reason; all close with 1008.
 */
export const AgentAuthFailures = Object.freeze({
  timeout: { message: null, reason: 'Authentication timeout' },
  invalid_json: { message: 'Invalid JSON', reason: 'Invalid JSON' },
  token_required: { message: 'Token required', reason: 'Authentication required' },
  invalid_token: { message: 'Invalid token', reason: 'Invalid token' },
  insufficient_permissions: { message: 'Insufficient permissions', reason: 'Insufficient permissions' },
  auth_failed: { message: 'Authentication failed', reason: 'Authentication failed' },
} as const);

export type AgentAuthFailure = keyof typeof AgentAuthFailures;
export const AGENT_AUTH_CLOSE_CODE = CloseCodes.POLICY_VIOLATION;

export const AuthRequiredFrameSchema = z.strictObject({
  type: z.literal('auth_required'),
  message: z.literal(AUTH_REQUIRED_FRAME.message),
});
export const AuthSuccessFrameSchema = z.strictObject({ type: z.literal('auth_success'), message: z.literal(AUTH_SUCCESS_FRAME.message) });
export const AuthErrorFrameSchema = z.strictObject({
  type: z.literal('auth_error'),
  message: z.enum(['Invalid JSON', 'Token required', 'Invalid token', 'Insufficient permissions', 'Authentication failed']),
});
export type AuthRequiredFrame = z.output<typeof AuthRequiredFrameSchema>;
export type AuthSuccessFrame = z.output<typeof AuthSuccessFrameSchema>;
export type AuthErrorFrame = z.output<typeof AuthErrorFrameSchema>;

export const AgentsControlFrameSchema = z.discriminatedUnion('type', [
  AuthRequiredFrameSchema,
  AuthSuccessFrameSchema,
  AuthErrorFrameSchema,
]);

/** The bare JSON array of all agents (alive and dead) sent after auth and on every change. */
export const AgentListSchema = z.array(WsAgentWireSchema);
export type AgentList = z.output<typeof AgentListSchema>;

/** Anything the agent channel sends as JSON. */
export const AgentsOutboundSchema = z.union([AgentsControlFrameSchema, AgentListSchema]);
export type AgentsOutbound = z.output<typeof AgentsOutboundSchema>;

/** The inbound auth frame: a JSON object with a non-empty string `token`; other keys ignored. */
export const AgentAuthFrameSchema = z.looseObject({ token: z.string().min(1) });
export type AgentAuthFrame = z.output<typeof AgentAuthFrameSchema>;

/** The `auth_error` frame for a failure (undefined for the silent timeout). */
export function authErrorFrame(failure: AgentAuthFailure): AuthErrorFrame | undefined {
  const message = AgentAuthFailures[failure].message;
  return message === null ? undefined : { type: 'auth_error', message };
}

export type AgentAuthParse =
  { ok: true; token: string } | { ok: false; failure: 'invalid_json' | 'token_required' | 'invalid_token' | 'auth_failed' };

/**
 * Reads the first client message of `/agents/ws` (raw text). The order mirrors the reference:
 * not JSON → invalid_json; JSON but not an object → auth_failed; no truthy token →
 * token_required; a truthy non-string token → invalid_token (it can never verify).
 */
export function parseAgentAuth(text: string): AgentAuthParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, failure: 'invalid_json' };
  }
  if (!isPlainObject(value)) return { ok: false, failure: 'auth_failed' };
  const token = value.token;
  if (!pyTruthy(token)) return { ok: false, failure: 'token_required' };
  if (typeof token !== 'string') return { ok: false, failure: 'invalid_token' };
  return { ok: true, token };
}

/**
 * A client frame after auth (pings are answered before this). The reference ignores everything
 * else; we keep ignoring JSON objects, and answer text that is not JSON, or JSON that is not an
 * object, with an error frame (README, protocol notes).
 */
export type AgentsInbound = { ok: true } | { ok: false; reason: 'invalid_json' | 'not_object'; message: string };

export function parseAgentsInbound(text: string): AgentsInbound {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_json', message: 'Invalid JSON format' };
  }
  return isPlainObject(value) ? { ok: true } : { ok: false, reason: 'not_object', message: 'Message must be a JSON object' };
}
