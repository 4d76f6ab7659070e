/**
 * Request body and query decoding with zod: size-bounded JSON parsing that never throws past the
 * handler, and validation errors turned into one readable 422 `detail`.
 */
import { type HttpRequest } from '@arcp/service-kit';
import { type z } from 'zod';
import { fail, HttpFailure } from './responses';

/** Most issues listed in a 422 detail; the rest are counted. */
const MAX_LISTED_ISSUES = 5;

export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, MAX_LISTED_ISSUES).map((i) => {
    const at = i.path.length > 0 ? i.path.map(String).join('.') : 'body';
    return `${at}: ${i.message}`;
  });
  const more = error.issues.length - parts.length;
  return `Input validation failed: ${parts.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/** `application/json` or a structured `+json` type, with any parameters (`; charset=utf-8`). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const media = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return media === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(media);
}

/**
 * Parses the body as JSON; another media type, oversized, empty or non-JSON bodies end the request
 * with a problem. Requiring the JSON media type keeps these endpoints out of reach of cross-site
 * "simple" requests (a form or `text/plain` post needs no CORS preflight).
 */
export function readJson(req: HttpRequest, maxBytes: number): unknown {
  if (!isJsonMediaType(req.headers['content-type'])) {
    const given = req.headers['content-type'] ?? 'none';
    throw new HttpFailure(fail(req, 'unsupported-media-type', `Content-Type must be application/json (got ${given.slice(0, 100)})`));
  }
  if (req.body.length > maxBytes) {
    throw new HttpFailure(fail(req, 'request-too-large', `Request body exceeds ${maxBytes} bytes`, { max_bytes: maxBytes }));
  }
  const text = req.body.toString('utf8');
  if (text.trim() === '') {
    throw new HttpFailure(fail(req, 'validation-failed', 'Input validation failed: body: a JSON object is required'));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpFailure(fail(req, 'validation-failed', 'Input validation failed: body: not valid JSON'));
  }
}

/** Validates `value` against `schema` or ends the request with 422 validation-failed. */
export function validate<S extends z.ZodType>(req: HttpRequest, schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpFailure(fail(req, 'validation-failed', describeIssues(result.error)));
  return result.data;
}

/** `readJson` then `validate`. */
export function parseBody<S extends z.ZodType>(req: HttpRequest, schema: S, maxBytes: number): z.infer<S> {
  return validate(req, schema, readJson(req, maxBytes));
}

/** Query booleans the way FastAPI reads them (true/1/yes/on). */
export function queryBool(req: HttpRequest, name: string, fallback: boolean): boolean {
  const v = req.query.get(name);
  if (v === null || v === '') return fallback;
  return ['true', '1', 'yes', 'on'].includes(v.toLowerCase());
}
