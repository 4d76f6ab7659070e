/**
 * HTTP error bodies: RFC 9457 problem details with the reference's type URLs, slugs and default
 * statuses (as in the original ARCP server), plus the few slugs we add for behaviour we do better.
 */
import { nowIso } from './time';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://arcp.0x001.tech/docs/problems/';

/** Slug → default status and title. Order follows the reference's exception table. */
export const ErrorCodes = Object.freeze({
  'agent-not-found': { status: 404, title: 'Agent Not Found' },
  'duplicate-agent': { status: 409, title: 'Duplicate Agent' },
  'agent-registration-failed': { status: 400, title: 'Agent Registration Failed' },
  'agent-not-available': { status: 404, title: 'Agent Not Available' },
  'authentication-failed': { status: 401, title: 'Authentication Failed' },
  'token-invalid': { status: 401, title: 'Invalid Token' },
  'session-invalid': { status: 401, title: 'Invalid Session' },
  'session-expired': { status: 401, title: 'Session Expired' },
  'insufficient-permissions': { status: 403, title: 'Insufficient Permissions' },
  'dpop-required': { status: 401, title: 'DPoP Required' },
  'dpop-invalid': { status: 401, title: 'Invalid DPoP Proof' },
  'dpop-binding-mismatch': { status: 401, title: 'DPoP Binding Mismatch' },
  'token-not-dpop-bound': { status: 401, title: 'Token Not DPoP Bound' },
  'mtls-required': { status: 401, title: 'mTLS Required' },
  'mtls-binding-mismatch': { status: 401, title: 'mTLS Binding Mismatch' },
  'pin-required': { status: 400, title: 'PIN Required' },
  'pin-already-set': { status: 400, title: 'PIN Already Set' },
  'pin-not-set': { status: 400, title: 'PIN Not Set' },
  'pin-incorrect': { status: 401, title: 'Incorrect PIN' },
  'pin-invalid-length': { status: 400, title: 'Invalid PIN Length' },
  'configuration-error': { status: 500, title: 'Configuration Error' },
  'vector-search-unavailable': { status: 500, title: 'Vector Search Unavailable' },
  'operation-timeout': { status: 504, title: 'Operation Timeout' },
  'connection-timeout': { status: 504, title: 'Connection Timeout' },
  'endpoint-unreachable': { status: 502, title: 'Endpoint Unreachable' },
  'validation-failed': { status: 422, title: 'Validation Failed' },
  'invalid-input': { status: 400, title: 'Invalid Input' },
  'required-header-missing': { status: 400, title: 'Required Header Missing' },
  'invalid-url': { status: 400, title: 'Invalid URL' },
  'rate-limit-exceeded': { status: 429, title: 'Rate Limit Exceeded' },
  'request-too-large': { status: 413, title: 'Request Too Large' },
  'headers-too-large': { status: 413, title: 'Headers Too Large' },
  'internal-error': { status: 500, title: 'Internal Server Error' },
  'request-error': { status: 400, title: 'Request Error' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not Found' },
  'tpr-disabled': { status: 503, title: 'TPR Disabled' },
  // Ours: out-of-scope features answer 501, capacity and draining answer 503, a JSON endpoint
  // given another media type answers 415, a known path asked with another method answers 405.
  'method-not-allowed': { status: 405, title: 'Method Not Allowed' },
  'not-implemented': { status: 501, title: 'Not Implemented' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Media Type' },
  'service-unavailable': { status: 503, title: 'Service Unavailable' },
} as const);

export type ProblemSlug = keyof typeof ErrorCodes;

/** Extension members: typed JSON values, never stringified (unlike the reference). */
export type ProblemExtensions = Record<string, unknown>;

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  timestamp: string;
  [extension: string]: unknown;
}

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'timestamp']);

/** The problem type URL for a slug. */
export function problemType(slug: ProblemSlug): string {
  return PROBLEM_TYPE_BASE + slug;
}

/**
 * Builds an RFC 9457 body. Extensions may not shadow the standard members (such keys are
 * dropped, so a caller cannot forge `status`). `timestamp` is ISO-8601 UTC with `Z`.
 */
export function problem(
  status: number,
  slug: ProblemSlug,
  title: string,
  detail: string,
  instance: string,
  extensions?: ProblemExtensions,
  at: string = nowIso(),
): ProblemDetails {
  const body: ProblemDetails = { type: problemType(slug), title, status, detail, instance, timestamp: at };
  for (const [key, value] of Object.entries(extensions ?? {})) {
    if (!RESERVED.has(key) && value !== undefined) body[key] = value;
  }
  return body;
}

/** `problem` with the slug's default status and title. */
export function problemFor(slug: ProblemSlug, detail: string, instance: string, extensions?: ProblemExtensions): ProblemDetails {
  const { status, title } = ErrorCodes[slug];
  return problem(status, slug, title, detail, instance, extensions);
}
