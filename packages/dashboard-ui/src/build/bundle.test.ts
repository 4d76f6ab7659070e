/**
 * The real build of the page into a temporary directory: content-hashed names that the HTML
 * loads, nothing that would be fetched from elsewhere, and a bundle that stays light.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDashboardPage } from '../server/assets';
import { buildDashboard } from './bundle';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'arcp-dash-build-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildDashboard', () => {
  it('writes hashed assets and an index that loads exactly them', async () => {
    const out = join(dir, 'web');
    const page = await buildDashboard({ outDir: out });
    expect(page.script).toMatch(/^app-[A-Z0-9]{8}\.js$/);
    expect(page.styles).toMatch(/^app-[A-Z0-9]{8}\.css$/);
    expect(readdirSync(join(out, 'assets')).sort()).toEqual([page.script, page.styles].sort());
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain(`<script type="module" src="/dashboard/assets/${page.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="/dashboard/assets/${page.styles}">`);
    // No inline script or style (the policy forbids them), nothing from another origin.
    expect(html).not.toMatch(/<script>|<style|style=|https?:\/\//);
    expect(loadDashboardPage(out).assets.size).toBe(2);
  }, 60_000);

  it('keeps the script light and free of eval-based code paths', async () => {
    const page = await buildDashboard({ outDir: join(dir, 'again') });
    expect(page.assets[page.script]).toBeLessThan(300 * 1024);
    const js = readFileSync(join(dir, 'again', 'assets', page.script), 'utf8');
    // zod is told to validate without `new Function` before any schema runs.
    expect(js).toMatch(/jitless:\s*!0|jitless:\s*true/);
    expect(js).not.toMatch(/\bimport\(\s*["']https?:/);
  }, 60_000);

  it('rebuilds to the same names when nothing changed', async () => {
    const a = await buildDashboard({ outDir: join(dir, 'a') });
    const b = await buildDashboard({ outDir: join(dir, 'b') });
    expect([a.script, a.styles]).toEqual([b.script, b.styles]);
  }, 60_000);
});
