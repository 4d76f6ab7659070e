/**
 * Problem+json responses for the errors the engine answers itself (404, 413, 500, 503), built
 * with `@arcp/protocol`'s `problem()` so they match the services' own errors.
 */
import { PROBLEM_CONTENT_TYPE, problemFor, type ProblemSlug } from '@arcp/protocol';
import type { HttpResponse } from '@arcp/service-kit';

export function problemResponse(slug: ProblemSlug, detail: string, instance: string, headers: Record<string, string> = {}): HttpResponse {
  const body = problemFor(slug, detail, instance);
  return { status: body.status, headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE }, body };
}
