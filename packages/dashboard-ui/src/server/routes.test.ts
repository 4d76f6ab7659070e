/**
 * The page's routes on a real build layout in a temporary directory: headers (policy, caching,
 * validators, compression), conditional requests, unknown assets, and a missing or broken build.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { HttpRequest, HttpResponse, RouteDef } from '@arcp/service-kit';
import { DashboardNotBuiltError, loadDashboardPage } from './assets';
import { acceptsGzip, ASSET_CACHE, CONTENT_SECURITY_POLICY, dashboardRoutes, HTML_CACHE } from './routes';

const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;
let dir: string;

function writeBuild(
  root: string,
  html = '<script type="module" src="/dashboard/assets/app-ABC.js"></script><link rel="stylesheet" href="/dashboard/assets/app-DEF.css">',
): void {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), html);
  writeFileSync(join(root, 'assets', 'app-ABC.js'), SCRIPT);
  writeFileSync(join(root, 'assets', 'app-DEF.css'), 'body{}');
}

function req(path: string, headers: Record<string, string> = {}, params: Record<string, string> = {}): HttpRequest {
  return { method: 'GET', path, params, query: new URLSearchParams(), headers, ip: '127.0.0.1', requestId: 'test', body: Buffer.alloc(0) };
}

function route(routes: RouteDef[], pattern: string): RouteDef['handler'] {
  const r = routes.find((x) => x.pattern === pattern);
  if (!r) throw new Error(`no route ${pattern}`);
  return r.handler;
}

const call = async (h: RouteDef['handler'], r: HttpRequest): Promise<HttpResponse> => h(r);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'arcp-dash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('dashboard routes', () => {
  it('answers /dashboard and /dashboard/ with the page, its policy and no-cache', async () => {
    writeBuild(dir);
    const routes = dashboardRoutes(loadDashboardPage(dir));
    expect(routes.map((r) => `${r.method} ${r.pattern}`)).toEqual(['GET /dashboard', 'GET /dashboard/', 'GET /dashboard/assets/:file']);
    for (const pattern of ['/dashboard', '/dashboard/']) {
      const res = await call(route(routes, pattern), req(pattern));
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': HTML_CACHE,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
      expect(String(res.body)).toContain('/dashboard/assets/app-ABC.js');
    }
  });

  it('has a policy that allows only the page itself and its own origin', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives).toMatchObject({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'frame-ancestors': "'none'",
    });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('serves hashed assets as immutable, gzipped when the client accepts it', async () => {
    writeBuild(dir);
    const asset = route(dashboardRoutes(loadDashboardPage(dir)), '/dashboard/assets/:file');
    const plain = await call(asset, req('/dashboard/assets/app-ABC.js', {}, { file: 'app-ABC.js' }));
    expect(plain.status).toBe(200);
    expect(plain.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': ASSET_CACHE,
      vary: 'accept-encoding',
    });
    expect(plain.headers?.['content-encoding']).toBeUndefined();
    expect(String(plain.body)).toBe(SCRIPT);
    const zipped = await call(
      asset,
      req('/dashboard/assets/app-ABC.js', { 'accept-encoding': 'gzip, deflate, br' }, { file: 'app-ABC.js' }),
    );
    expect(zipped.headers?.['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body as Buffer).toString()).toBe(SCRIPT);
    // A small file is not worth compressing.
    const css = await call(asset, req('/dashboard/assets/app-DEF.css', { 'accept-encoding': 'gzip' }, { file: 'app-DEF.css' }));
    expect(css.headers).toMatchObject({ 'content-type': 'text/css; charset=utf-8' });
    expect(css.headers?.['content-encoding']).toBeUndefined();
  });

  it('answers 304 to a matching If-None-Match, 200 to a stale one', async () => {
    writeBuild(dir);
    const html = route(dashboardRoutes(loadDashboardPage(dir)), '/dashboard');
    const first = await call(html, req('/dashboard'));
    const etag = first.headers!.etag!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await call(html, req('/dashboard', { 'if-none-match': `"other", ${etag}` }));
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers?.['cache-control']).toBe(HTML_CACHE);
    expect((await call(html, req('/dashboard', { 'if-none-match': '"stale"' }))).status).toBe(200);
  });

  it('answers 404 problem+json for an unknown asset (no path tricks)', async () => {
    writeBuild(dir);
    const asset = route(dashboardRoutes(loadDashboardPage(dir)), '/dashboard/assets/:file');
    for (const file of ['nope.js', '..%2Findex.html', '../index.html', '']) {
      const res = await call(asset, req(`/dashboard/assets/${file}`, {}, { file }));
      expect(res.status).toBe(404);
      expect(res.headers?.['content-type']).toBe('application/problem+json');
    }
  });

  it('answers 503 with the reason on every route when the page is not built', async () => {
    expect(() => loadDashboardPage(join(dir, 'missing'))).toThrow(DashboardNotBuiltError);
    const err = (() => {
      try {
        return loadDashboardPage(join(dir, 'missing'));
      } catch (e) {
        return e as Error;
      }
    })() as Error;
    for (const r of dashboardRoutes(err)) {
      const res = await call(r.handler, req(r.pattern, {}, { file: 'app-ABC.js' }));
      expect(res.status).toBe(503);
      expect(JSON.stringify(res.body)).toMatch(/pnpm build:dashboard/);
    }
  });

  it('refuses a build whose page names an asset that is not there', () => {
    writeBuild(dir, '<script type="module" src="/dashboard/assets/app-GONE.js"></script>');
    expect(() => loadDashboardPage(dir)).toThrow(/assets\/app-GONE\.js/);
  });
});

describe('acceptsGzip', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    ['gzip', true],
    ['br, gzip;q=0.5', true],
    ['*', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['GZIP', true],
  ])('%s → %s', (header, expected) => expect(acceptsGzip(header)).toBe(expected));
});
