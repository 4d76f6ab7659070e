/**
 * The browser side of the page's integration tests: Debian's Chromium driven by playwright-core
 * (browser downloads do not work here, so the executable is the system one), and a page wrapper
 * that records what a strict reviewer would want to know: every request (all same-origin?),
 * every policy violation, every script error, every WebSocket opened.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** docs/img of the repository: the test run keeps the README's screenshots current. */
export const DOCS_IMG = resolve(__dirname, '..', '..', '..', '..', '..', 'docs', 'img');

/** `describe` when Chromium is installed; a clear skip without it, and a failure under CI=true. */
export function describeWithChromium(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has Chromium installed', () => {
        throw new Error(`${CHROMIUM} is missing; CI=true refuses to skip the browser tests (.ci/run installs Debian's chromium)`);
      });
    });
  } else {
    describe.skip(`${name} (no ${CHROMIUM}: apt-get install chromium)`, fn);
  }
}

export function launchChromium(): Promise<Browser> {
  // Root (CI) cannot use Chromium's sandbox; the page under test is our own.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface Watched {
  readonly page: Page;
  readonly requests: string[];
  readonly sockets: string[];
  /** How many of `sockets` have closed. */
  closedSockets(): number;
  readonly errors: string[];
  violations(): Promise<string[]>;
  close(): Promise<void>;
}

/** A fresh context (own sessionStorage) with its watchers; `init` runs before the page's scripts. */
export async function openPage(browser: Browser, init?: { script: string }): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  const requests: string[] = [];
  const sockets: string[] = [];
  const errors: string[] = [];
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  if (init) await page.addInitScript(init.script);
  page.on('request', (r) => requests.push(r.url()));
  let closed = 0;
  page.on('websocket', (ws) => {
    sockets.push(ws.url());
    ws.on('close', () => closed++);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return {
    page,
    requests,
    sockets,
    closedSockets: () => closed,
    errors,
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    close: () => context.close(),
  };
}

export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/dashboard`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The connection badge's state once it is `want` (live, stale, reconnecting, ...). */
export async function waitForConnection(page: Page, want: string, timeoutMs = 10_000): Promise<void> {
  await page.waitForSelector(`[data-testid="connection"][data-state="${want}"]`, { timeout: timeoutMs });
}

/** The session token the page keeps in sessionStorage (to check what sign-out did to it). */
export function storedToken(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const raw = sessionStorage.getItem('arcp.dashboard.session');
    return raw === null ? null : (JSON.parse(raw) as { token: string }).token;
  });
}
