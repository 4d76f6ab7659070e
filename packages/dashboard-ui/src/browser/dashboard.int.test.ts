/**
 * The operator page in a real browser (Debian's Chromium) against the real standalone product:
 * it is served with its headers and loads nothing from elsewhere; sign-in works and a wrong
 * password says so; an agent registered over HTTP shows up within 2 s and turns dead when its
 * heartbeats stop; Pause stops the monitoring updates and Resume restarts them; the page recovers
 * after the server restarts; sign-out revokes the token; an expired session is reported once,
 * not retried. The run also refreshes the overview screenshot in docs/img.
 */
import { createTokenService } from '@arcp/auth';
import { call, registerAgent, startStandaloneProduct, TestClient, type Topology } from '@arcp/e2e';
import { waitFor } from '@arcp/testkit';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../build/bundle';
import { CONTENT_SECURITY_POLICY } from '../server/routes';
import {
  describeWithChromium,
  DOCS_IMG,
  launchChromium,
  openPage,
  signIn,
  storedToken,
  waitForConnection,
  type Watched,
} from './test-support/browser';

let topo: Topology;
let browser: Browser;
let w: Watched | undefined;
const afterCleanup: Array<() => void> = [];

const admin = () => ({ username: topo.env.ADMIN_USERNAME!, password: topo.env.ADMIN_PASSWORD! });
const sameOrigin = (url: string) =>
  url.startsWith(`${topo.http}/`) || url.startsWith(topo.http.replace(/^http/, 'ws') + '/') || url.startsWith('data:');

async function signedIn(): Promise<Watched> {
  w = await openPage(browser);
  await signIn(w.page, topo.http, admin().username, admin().password);
  await waitForConnection(w.page, 'live');
  return w;
}

describeWithChromium('operator dashboard in Chromium (standalone product)', () => {
  beforeAll(async () => {
    // The page under test is the one the sources build now, not an older build.
    await buildDashboard();
    topo = await startStandaloneProduct(() => ({
      AGENT_HEARTBEAT_TIMEOUT: '2',
      DASHBOARD_WS_INTERVAL: '1',
      DASHBOARD_WS_MAX_CONNECTIONS: '5',
      DASHBOARD_WS_MAX_PER_ADDRESS: '8',
    }));
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await topo?.stop();
  }, 30_000);
  afterEach(async () => {
    for (const f of afterCleanup.splice(0)) f();
    await w?.close();
    w = undefined;
  });

  it('is served at /dashboard, which GET / advertises, with its policy and caching headers', async () => {
    const root = (await (await fetch(`${topo.http}/`)).json()) as { dashboard: string };
    const res = await fetch(`${topo.http}${root.dashboard}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(await res.text())![1]!;
    const asset = await fetch(`${topo.http}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${topo.http}/dashboard/assets/app-NOTTHERE.js`)).status).toBe(404);
  });

  it('refuses a wrong password with a message, and opens no socket', async () => {
    w = await openPage(browser);
    await signIn(w.page, topo.http, admin().username, 'not-the-password');
    await expect(w.page.getByRole('alert').textContent({ timeout: 5000 })).resolves.toBe('Wrong username or password.');
    expect(await w.page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
    expect(w.sockets).toEqual([]);
    expect(await storedToken(w.page)).toBeNull();
  });

  it('signs in and goes live; every request stays on its origin and nothing breaks the policy', async () => {
    const { page, requests, errors, sockets } = await signedIn();
    expect(await page.getByTestId('stat-health').textContent()).toMatch(/Health(healthy|degraded)/);
    await page.waitForFunction(() =>
      /Monitoring updated/.test(document.querySelector('[data-testid="monitoring-updated"]')?.textContent ?? ''),
    );
    // Charts are drawn (uPlot canvases), the badge shows the age of the last frame.
    expect(await page.locator('[data-testid^="chart-"] canvas').count()).toBe(5);
    expect(await page.getByTestId('connection').textContent()).toMatch(/^Live · last frame \d+\.\d s ago$/);
    expect(sockets).toEqual([`${topo.http.replace(/^http/, 'ws')}/dashboard/ws`]);
    expect(requests.filter((u) => !sameOrigin(u))).toEqual([]);
    expect(await w!.violations()).toEqual([]);
    expect(errors).toEqual([]);
    // The token is in this tab's storage only, never in the URL.
    expect(await storedToken(page)).toMatch(/^ey/);
    expect(page.url()).not.toMatch(/ey[A-Za-z0-9_-]{10,}/);
  });

  it('shows an agent registered over HTTP within 2 s, and marks it dead when its heartbeats stop', async () => {
    const { page } = await signedIn();
    await page.getByRole('link', { name: 'Agents' }).click();
    const agent = await registerAgent(topo.http, 'dash-agent-1', topo.agentKeys[0]!, 'monitoring');
    const registered = Date.now();
    const row = page.locator('[data-agent-id="dash-agent-1"]');
    await row.waitFor({ timeout: 2000 });
    const shownAfterMs = Date.now() - registered;
    expect(shownAfterMs).toBeLessThanOrEqual(2000);
    expect(await row.locator('[role="cell"]').allTextContents()).toEqual([
      'dash-agent-1',
      'Agent dash-agent-1',
      'monitoring',
      'alive',
      expect.stringMatching(/^\d+ s ago$/),
      'processing, analysis',
    ]);
    // Heartbeats keep it alive past the 2 s timeout...
    for (let i = 0; i < 6; i++) {
      expect((await call(topo.http, 'POST', `/agents/dash-agent-1/heartbeat`, { token: agent.accessToken })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await row.locator('.st').textContent()).toBe('alive');
    // ...and without them it turns dead (timeout 2 s, frames every second).
    const stopped = Date.now();
    await page.locator('[data-agent-id="dash-agent-1"] .st-dead').waitFor({ timeout: 8000 });
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(1000);
    // The row opens the agent's detail.
    await row.click();
    const detail = page.getByTestId('agent-detail');
    await expect(detail.textContent()).resolves.toMatch(/Agent IDdash-agent-1.*Statusdead/);
    expect(page.url()).toMatch(/#\/agents\/dash-agent-1$/);
  });

  it('Pause stops the monitoring updates and Resume restarts them, showing the acknowledgements', async () => {
    const { page } = await signedIn();
    const updated = page.getByTestId('monitoring-updated');
    await page.waitForFunction(() =>
      /Monitoring updated/.test(document.querySelector('[data-testid="monitoring-updated"]')?.textContent ?? ''),
    );
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForSelector('[data-testid="command-status"][data-command="pause"][data-status="ok"]');
    expect(await page.getByTestId('command-status').textContent()).toMatch(/^Paused: .*\(paused\)/);
    const frozen = await updated.textContent();
    expect(frozen).toMatch(/^Paused: monitoring, health and alerts are not updating\. Monitoring updated/);
    // Three monitoring frames go out to a dashboard that is not paused: nothing moves on this
    // page, while its connection stays live (agents frames keep coming).
    const observer = await TestClient.open(`${topo.http.replace(/^http/, 'ws')}/dashboard/ws`);
    afterCleanup.push(() => observer.ws.terminate());
    observer.send({ type: 'auth', token: await storedToken(page) });
    // The first one may be the initial burst's copy of the last frame: wait for three after it.
    let from = 0;
    for (let i = 0; i < 4; i++) from = (await observer.nextType('monitoring', { from })).__index + 1;
    expect(await updated.textContent()).toBe(frozen);
    expect(await page.getByTestId('connection').getAttribute('data-state')).toBe('live');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForSelector('[data-testid="command-status"][data-command="resume"][data-status="ok"]');
    await page.waitForFunction(
      (before) => {
        const text = document.querySelector('[data-testid="monitoring-updated"]')?.textContent ?? '';
        return !text.startsWith('Paused') && text !== before;
      },
      frozen,
      { timeout: 3000 },
    );
    // Refresh is acknowledged too.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForSelector('[data-testid="command-status"][data-command="refresh"][data-status="ok"]');
    expect(await page.getByTestId('command-status').textContent()).toMatch(/^Fresh data sent/);
  });

  it('filters, pauses and clears the live log', async () => {
    const { page } = await signedIn();
    await page.getByRole('link', { name: 'Logs' }).click();
    // Sign-ins are logged by the registry: entries arrive live.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-list"] li.log').length > 0, undefined, { timeout: 5000 });
    await page.getByRole('button', { name: 'Pause scroll' }).click();
    const frozen = await page.locator('[data-testid="log-list"] li.log').count();
    await registerAgent(topo.http, 'dash-log-agent', topo.agentKeys[1]!);
    await page.waitForSelector('button:has-text("new)")', { timeout: 5000 });
    expect(await page.locator('[data-testid="log-list"] li.log').count()).toBe(frozen);
    await page.getByRole('button', { name: /Resume scroll/ }).click();
    await page.getByRole('checkbox', { name: 'INFO' }).uncheck();
    expect(await page.locator('[data-testid="log-list"] .badge.lvl-INFO').count()).toBe(0);
    await page.getByRole('button', { name: 'Clear logs' }).click();
    await page.waitForSelector('[data-testid="command-status"][data-command="clear_logs"][data-status="ok"]');
    expect(await page.getByTestId('command-status').textContent()).toMatch(/^Backend logs cleared successfully/);
  });

  it('recovers after the server restarts: reconnecting, then live again with fresh frames', async () => {
    const { page, sockets } = await signedIn();
    const states: string[] = [];
    const poll = setInterval(() => {
      void page
        .getByTestId('connection')
        .getAttribute('data-state')
        .then(
          (s) => s && states[states.length - 1] !== s && states.push(s),
          () => undefined,
        );
    }, 50);
    try {
      await topo.restartGateway('dashboard', 0);
      await waitForConnection(page, 'live', 20_000);
      const before = await page.getByTestId('monitoring-updated').textContent();
      await page.waitForFunction((b) => document.querySelector('[data-testid="monitoring-updated"]')?.textContent !== b, before, {
        timeout: 5000,
      });
    } finally {
      clearInterval(poll);
    }
    expect(states).toContain('reconnecting');
    expect(states[states.length - 1]).toBe('live');
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    // Still signed in: the same session resumed.
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
  }, 60_000);

  it('signs out: the token is revoked on the server and forgotten by the page', async () => {
    const { page } = await signedIn();
    const token = (await storedToken(page))!;
    expect((await call(topo.http, 'GET', '/tokens/validate', { token })).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByTestId('login-notice').textContent({ timeout: 5000 })).resolves.toBe(
      'Signed out. The session token is revoked.',
    );
    expect(await storedToken(page)).toBeNull();
    expect((await call(topo.http, 'GET', '/tokens/validate', { token })).status).toBe(401);
    // A reload stays signed out.
    await page.reload();
    await page.getByLabel('Password').waitFor();
  });

  it('tells the operator when the session expired, once, instead of reconnecting in a loop', async () => {
    // A session that lasts 6 s, issued with the product's own secret (as the registry would with a short SESSION_TIMEOUT).
    const tokens = createTokenService({ secret: topo.env.JWT_SECRET!, agentTtlS: 60, adminTtlS: 6, tempTtlS: 60 });
    const { token } = await tokens.issueAdmin(admin().username);
    w = await openPage(browser, {
      script: `sessionStorage.setItem('arcp.dashboard.session', ${JSON.stringify(JSON.stringify({ token, username: admin().username }))})`,
    });
    await w.page.goto(`${topo.http}/dashboard`);
    await waitForConnection(w.page, 'live');
    await expect(w.page.getByTestId('login-notice').textContent({ timeout: 9000 })).resolves.toMatch(
      /^Your session expired at \d\d:\d\d:\d\d\. Sign in again\.$/,
    );
    expect(await w.page.getByLabel('Password').isVisible()).toBe(true);
    // The barrier instead of a quiet period: the console, the only owner of a channel, is
    // unmounted (which closes its channel for good: a closed channel never reconnects, as the
    // SDK's tests show) and its socket has closed. Nothing is left that could open another.
    const watched = w;
    await waitFor(() => watched.closedSockets() === watched.sockets.length, { what: 'the dashboard socket closed' });
    expect(await w.page.getByTestId('connection').count()).toBe(0);
    const opened = w.sockets.length;
    expect(opened).toBe(1);
    expect(await storedToken(w.page)).toBeNull();
    // Loading the page again with the expired token says the same, without opening a socket.
    await w.page.evaluate((t) => sessionStorage.setItem('arcp.dashboard.session', JSON.stringify({ token: t, username: 'x' })), token);
    await w.page.reload();
    await expect(w.page.getByTestId('login-notice').textContent({ timeout: 5000 })).resolves.toMatch(/^Your session expired at/);
    expect(w.sockets.length).toBe(opened);
  });

  it('writes the overview screenshot for the README', async () => {
    const demo: Array<{ agentId: string; accessToken: string }> = [];
    for (const [i, type] of (['security', 'monitoring', 'automation', 'networking'] as const).entries()) {
      const a = await registerAgent(topo.http, `demo-${type}-${i + 1}`, topo.agentKeys[10 + i]!, type);
      await call(topo.http, 'POST', `/agents/${a.agentId}/metrics`, {
        token: a.accessToken,
        body: { total_requests: 120 * (i + 1), avg_response_time: 0.08 + i * 0.05, error_rate: 0.02 * i, success_rate: 1 - 0.02 * i },
      });
      demo.push(a);
    }
    // Three of them keep beating, so the picture shows a live fleet with one agent gone quiet.
    const beat = setInterval(
      () => demo.slice(0, 3).forEach((a) => void call(topo.http, 'POST', `/agents/${a.agentId}/heartbeat`, { token: a.accessToken })),
      500,
    );
    afterCleanup.push(() => clearInterval(beat));
    const { page } = await signedIn();
    // The demo agents are counted, and a few samples are drawn.
    await waitFor(async () => Number(/\/ (\d+)/.exec((await page.getByTestId('stat-agents').textContent()) ?? '')?.[1] ?? 0) >= 4, {
      timeoutMs: 5000,
      what: 'the demo agents',
    });
    const updates = new Set<string>();
    await waitFor(
      async () => {
        updates.add((await page.getByTestId('monitoring-updated').textContent()) ?? '');
        return updates.size >= 5;
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'four monitoring frames drawn' },
    );
    mkdirSync(DOCS_IMG, { recursive: true });
    await page.screenshot({ path: join(DOCS_IMG, 'dashboard-overview.png'), fullPage: true });
  }, 30_000);
});
