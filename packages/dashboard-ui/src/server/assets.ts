/**
 * The built page in memory. `pnpm build:dashboard` (also run by `pnpm start` and `pnpm build`)
 * writes `index.html` and content-hashed files under `assets/` into `dist/web`; a server reads
 * them once at start-up with their gzip form and an ETag, so a request costs a map lookup and no
 * disk or CPU. A missing build is reported, never served as an empty page.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Where the build writes the page: `<package>/dist/web`, from `src/server` and `dist/server` alike. */
export const WEB_DIR = resolve(__dirname, '..', '..', 'dist', 'web');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Smaller bodies are sent as they are: gzip would not pay for its header. */
const GZIP_MIN_BYTES = 1024;

export interface PageFile {
  readonly body: Buffer;
  /** The gzip form, when it is smaller. */
  readonly gzip: Buffer | undefined;
  readonly contentType: string;
  /** Strong validator: a hash of the body. */
  readonly etag: string;
}

export interface DashboardPage {
  readonly index: PageFile;
  /** File name under `assets/` → file. */
  readonly assets: ReadonlyMap<string, PageFile>;
}

/** The page is not built (or only half of it is there). */
export class DashboardNotBuiltError extends Error {
  override readonly name = 'DashboardNotBuiltError';
}

function pageFile(path: string): PageFile {
  const body = readFileSync(path);
  const zipped = body.length >= GZIP_MIN_BYTES ? gzipSync(body, { level: 9 }) : undefined;
  return {
    body,
    gzip: zipped && zipped.length < body.length ? zipped : undefined,
    contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

/** Reads the built page from `dir`; throws DashboardNotBuiltError when it is not there. */
export function loadDashboardPage(dir: string = WEB_DIR): DashboardPage {
  const indexPath = join(dir, 'index.html');
  const assetsDir = join(dir, 'assets');
  if (!existsSync(indexPath) || !existsSync(assetsDir)) {
    throw new DashboardNotBuiltError(`the dashboard page is not built (no ${indexPath}): run \`pnpm build:dashboard\``);
  }
  const assets = new Map<string, PageFile>();
  for (const name of readdirSync(assetsDir)) {
    const path = join(assetsDir, name);
    if (statSync(path).isFile()) assets.set(name, pageFile(path));
  }
  const index = pageFile(indexPath);
  // Every asset the page names must be there, or the browser would get a 404 after a 200.
  for (const m of index.body.toString('utf8').matchAll(/\/dashboard\/assets\/([^"'\s>]+)/g)) {
    if (!assets.has(m[1]!))
      throw new DashboardNotBuiltError(`the dashboard page names assets/${m[1]} but ${assetsDir} lacks it: run \`pnpm build:dashboard\``);
  }
  return { index, assets };
}
