/**
 * Response builders: JSON bodies and RFC 9457 problem+json for every error. Texts are the
 * original ARCP server's, never HTML-escaped, extension values keep their JSON types.
 */
import { PROBLEM_CONTENT_TYPE, problem, problemFor, ErrorCodes, type ProblemSlug } from '@arcp/protocol';
import { type HttpRequest, type HttpResponse } from '@arcp/service-kit';

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body };
}

/** A problem with the slug's default status and title. */
export function fail(
  req: Pick<HttpRequest, 'path'>,
  slug: ProblemSlug,
  detail: string,
  ext?: Record<string, unknown>,
  headers: Record<string, string> = {},
): HttpResponse {
  const body = problemFor(slug, detail, req.path, ext);
  return { status: body.status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers }, body };
}

/** A problem whose status differs from the slug's default (e.g. 400 for disabled TPR). */
export function failWith(
  req: Pick<HttpRequest, 'path'>,
  status: number,
  slug: ProblemSlug,
  detail: string,
  ext?: Record<string, unknown>,
): HttpResponse {
  const body = problem(status, slug, ErrorCodes[slug].title, detail, req.path, ext);
  return { status, headers: { 'content-type': PROBLEM_CONTENT_TYPE }, body };
}

/** Thrown inside handlers to end with a prepared response (validation, auth, conflicts). */
export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  constructor(readonly response: HttpResponse) {
    super(`http ${response.status}`);
  }
}

/** Marks an answer served from this replica's local copy while the bus reconnects (RFC 9111 Warning 110). */
export const STALE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  warning: '110 - "Response is stale: the message bus is unavailable"',
});

/** A JSON answer of a read route: marked stale while the bus reconnects. */
export function readAnswer(ctx: { bus: { status(): string } }, body: unknown): HttpResponse {
  return json(body, 200, ctx.bus.status() === 'connected' ? {} : STALE_HEADERS);
}
