/**
 * Builds the page: esbuild bundles `src/app/main.tsx` (Preact, uPlot, the client SDK and the
 * protocol's frame schemas) into one minified script and one style sheet named by their content
 * hash, and writes the `index.html` that loads them. Nothing is fetched from elsewhere at run
 * time. The output replaces `outDir` in one rename, so a reader never sees half a build.
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const APP_ENTRY = resolve(__dirname, '..', 'app', 'main.tsx');
const DEFAULT_OUT = resolve(__dirname, '..', '..', 'dist', 'web');

/** Browsers the page is built for (ES2022, module scripts, CSSOM). */
export const BROWSER_TARGETS = ['chrome109', 'firefox115', 'safari16', 'edge109'];

export interface BuiltPage {
  readonly outDir: string;
  /** Asset file names (under `assets/`) → bytes. */
  readonly assets: Readonly<Record<string, number>>;
  readonly script: string;
  readonly styles: string;
}

export function indexHtml(script: string, styles: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>ARCP dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/${styles}">
<script type="module" src="/dashboard/assets/${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The ARCP dashboard needs JavaScript.</noscript>
</body>
</html>
`;
}

export async function buildDashboard(opts: { outDir?: string } = {}): Promise<BuiltPage> {
  const outDir = opts.outDir ?? DEFAULT_OUT;
  const staging = join(dirname(outDir), `.${basename(outDir)}-${process.pid}-${Date.now()}`);
  mkdirSync(staging, { recursive: true });
  try {
    const result = await build({
      entryPoints: { app: APP_ENTRY },
      outdir: join(staging, 'assets'),
      entryNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: BROWSER_TARGETS,
      // Workspace packages from their TypeScript source, as everywhere else in the repository.
      conditions: ['@arcp/source'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      legalComments: 'eof',
      charset: 'utf8',
      define: { 'process.env.NODE_ENV': '"production"' },
      metafile: true,
      logLevel: 'silent',
    });
    const assets: Record<string, number> = {};
    for (const [path, out] of Object.entries(result.metafile.outputs)) assets[basename(path)] = out.bytes;
    const names = Object.keys(assets);
    const script = names.find((n) => n.endsWith('.js'));
    const styles = names.find((n) => n.endsWith('.css'));
    if (!script || !styles) throw new Error(`the build produced no script or no style sheet: ${names.join(', ')}`);
    writeFileSync(join(staging, 'index.html'), indexHtml(script, styles));
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(dirname(outDir), { recursive: true });
    renameSync(staging, outDir);
    return { outDir, assets, script, styles };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
