/**
 * The HTTP routes of the operator page: `GET /dashboard` (and `/dashboard/`) answers the HTML,
 * `GET /dashboard/assets/<file>` the content-hashed script and style sheet. The HTML is
 * revalidated on every load (`no-cache` + ETag), so a deploy takes effect at once; the hashed
 * files never change under their name, so browsers keep them for a year without asking.
 *
 * The policy allows exactly what the page does: its own script and style sheet, and fetch and
 * WebSocket to its own origin (`'self'` covers same-origin ws:/wss: in CSP Level 3, which every
 * current browser implements). Nothing inline, nothing from elsewhere, no framing.
 */
import { PROBLEM_CONTENT_TYPE, problemFor, type ProblemSlug } from '@arcp/protocol';
import type { HttpRequest, HttpResponse, RouteDef } from '@arcp/service-kit';
import type { DashboardPage, PageFile } from './assets';

export const DASHBOARD_PATH = '/dashboard';
export const DASHBOARD_ASSETS_PATH = `${DASHBOARD_PATH}/assets`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
].join('; ');

export const HTML_CACHE = 'no-cache';
export const ASSET_CACHE = 'public, max-age=31536000, immutable';

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** True when `accept-encoding` admits gzip (`gzip`, `gzip;q=0.5`, `*`; not `gzip;q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  for (const part of header.toLowerCase().split(',')) {
    const [coding, ...params] = part.trim().split(';');
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

function fresh(req: HttpRequest, file: PageFile): boolean {
  const tags = req.headers['if-none-match'];
  return tags !== undefined && tags.split(',').some((t) => t.trim() === file.etag || t.trim() === '*');
}

function serve(req: HttpRequest, file: PageFile, headers: Record<string, string>): HttpResponse {
  const common = { ...SECURITY_HEADERS, ...headers, etag: file.etag, vary: 'accept-encoding' };
  if (fresh(req, file)) return { status: 304, headers: common };
  const gzip = file.gzip !== undefined && acceptsGzip(req.headers['accept-encoding']);
  return {
    status: 200,
    headers: { ...common, 'content-type': file.contentType, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    body: gzip ? file.gzip : file.body,
  };
}

function problem(slug: ProblemSlug, detail: string, path: string): HttpResponse {
  const body = problemFor(slug, detail, path);
  return { status: body.status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' }, body };
}

/**
 * The page's routes. `page` is the loaded build, or the reason it could not be loaded: then
 * every route answers 503 with that reason, so a missing build is visible where it is looked for.
 */
export function dashboardRoutes(page: DashboardPage | Error): RouteDef[] {
  const html = (req: HttpRequest): HttpResponse => {
    if (page instanceof Error) return problem('service-unavailable', page.message, req.path);
    return serve(req, page.index, {
      'cache-control': HTML_CACHE,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-frame-options': 'DENY',
    });
  };
  const asset = (req: HttpRequest): HttpResponse => {
    if (page instanceof Error) return problem('service-unavailable', page.message, req.path);
    const file = page.assets.get(req.params.file ?? '');
    if (!file) return problem('not-found', `No dashboard asset ${req.params.file ?? ''}`, req.path);
    return serve(req, file, { 'cache-control': ASSET_CACHE });
  };
  return [
    { method: 'GET', pattern: DASHBOARD_PATH, handler: html },
    { method: 'GET', pattern: `${DASHBOARD_PATH}/`, handler: html },
    { method: 'GET', pattern: `${DASHBOARD_ASSETS_PATH}/:file`, handler: asset },
  ];
}
