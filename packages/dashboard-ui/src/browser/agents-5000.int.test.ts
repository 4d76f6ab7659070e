/**
 * The agents table with 5,000 agents, in the distributed topology behind its nginx edge (as
 * `pnpm start:cluster` runs it): the whole list arrives and is counted, only the rows in view are
 * in the DOM, scrolling reaches the last agent, search and filters narrow the list, and no script
 * error happens while the list keeps arriving. The agents are written straight into the
 * directory's KV bucket on NATS with the registry's own writer (what a registration stores), so
 * the test spends its time on the page, not on 10,000 HTTP round trips. The frame of 5,000 agents
 * (several MB) is built by the dashboard gateway itself and never crosses a NATS message. The run
 * also refreshes the agents-table screenshot in docs/img.
 */
import { createDirectoryWriter } from '@arcp/directory';
import { storedAgent } from '@arcp/directory/testing';
import { describeWithEdge, startEdgeCluster, type EdgeTopology } from '@arcp/e2e';
import { subjects } from '@arcp/protocol';
import { connectNatsBus, type Bus } from '@arcp/service-kit';
import { describeWithNats, natsUrl } from '@arcp/testkit';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../build/bundle';
import { describeWithChromium, DOCS_IMG, launchChromium, openPage, signIn, waitForConnection, type Watched } from './test-support/browser';

const AGENTS = 5000;
const TYPES = ['security', 'monitoring', 'automation', 'networking', 'testing'] as const;
let topo: EdgeTopology;
let bus: Bus;
let browser: Browser;
let w: Watched;

async function seed(): Promise<void> {
  const writer = createDirectoryWriter(await bus.kv(subjects(topo.env.ARCP_BUS_PREFIX!).agentsBucket));
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < AGENTS; i = next++) {
      await writer.register(
        storedAgent(`agent-${String(i).padStart(4, '0')}`, { agent_type: TYPES[i % TYPES.length]!, name: `Agent ${i}` }),
      );
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

describeWithNats('dashboard page with 5,000 agents', () => {
  describeWithEdge('behind the edge', () => {
    describeWithChromium(`the agents table with ${AGENTS} agents`, () => {
      beforeAll(async () => {
        await buildDashboard();
        topo = await startEdgeCluster(natsUrl(), 1, () => ({ AGENT_HEARTBEAT_TIMEOUT: '3600' }));
        bus = await connectNatsBus({ servers: natsUrl(), name: 'agents-5000-seed' });
        const started = Date.now();
        await seed();
        console.log(`wrote ${AGENTS} agents into the directory in ${Date.now() - started} ms`);
        browser = await launchChromium();
        w = await openPage(browser);
      }, 240_000);
      afterAll(async () => {
        await w?.close();
        await browser?.close();
        await bus?.close();
        await topo?.stop();
      }, 30_000);

      it('lists every agent, rendering only the rows in view', async () => {
        const { page } = w;
        await signIn(page, topo.http, topo.env.ADMIN_USERNAME!, topo.env.ADMIN_PASSWORD!);
        await waitForConnection(page, 'live', 20_000);
        await page.getByRole('link', { name: 'Agents' }).click();
        await page.waitForFunction(
          (n) => document.querySelector('[data-testid="agents-count"]')?.textContent === `${n} of ${n} agents`,
          AGENTS.toLocaleString('en'),
          { timeout: 30_000 },
        );
        const rows = await page.locator('[data-agent-id]').count();
        expect(rows).toBeGreaterThan(10);
        expect(rows).toBeLessThanOrEqual(40);
        expect(await page.locator('[data-agent-id]').first().getAttribute('data-agent-id')).toBe('agent-0000');
      });

      it('scrolls to the last agent, still rendering only the rows in view', async () => {
        const { page } = w;
        await page.getByTestId('agents-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await page.locator('[data-agent-id="agent-4999"]').waitFor({ timeout: 10_000 });
        expect(await page.locator('[data-agent-id]').count()).toBeLessThanOrEqual(40);
        await page.getByTestId('agents-body').evaluate((el) => el.scrollTo(0, 0));
      });

      it('narrows the list by search, type and status', async () => {
        const { page } = w;
        const counted = (text: string) =>
          page.waitForFunction((t) => document.querySelector('[data-testid="agents-count"]')?.textContent === t, text, { timeout: 10_000 });
        await page.getByLabel('Search agents').fill('agent-4321');
        await counted('1 of 5,000 agents');
        await page.getByLabel('Search agents').fill('');
        await page.getByLabel('Type').selectOption('security');
        await counted('1,000 of 5,000 agents');
        await page.getByLabel('Status').selectOption('dead');
        await counted('0 of 5,000 agents');
        await page.getByLabel('Status').selectOption('all');
        await page.getByLabel('Type').selectOption('');
        await counted('5,000 of 5,000 agents');
      });

      it('keeps working while further frames of 5,000 agents arrive, and takes the screenshot', async () => {
        const { page } = w;
        // A change on the directory makes the gateway send the whole list again.
        const writer = createDirectoryWriter(await bus.kv(subjects(topo.env.ARCP_BUS_PREFIX!).agentsBucket));
        await writer.register(storedAgent('agent-5000', { agent_type: 'testing', name: 'Agent 5000' }));
        await page.waitForFunction(
          () => document.querySelector('[data-testid="agents-count"]')?.textContent === '5,001 of 5,001 agents',
          undefined,
          { timeout: 20_000 },
        );
        // Long tasks are measured for the record; the structural checks above are the assertions.
        const longTasks = await page.evaluate(
          () =>
            new Promise<number[]>((resolve) => {
              const tasks: number[] = [];
              const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(Math.round(e.duration))));
              obs.observe({ type: 'longtask', buffered: false });
              setTimeout(() => (obs.disconnect(), resolve(tasks)), 3000);
            }),
        );
        console.log(`long tasks over 3 s with ${AGENTS + 1} agents: ${JSON.stringify(longTasks)}`);
        mkdirSync(DOCS_IMG, { recursive: true });
        await page.screenshot({ path: join(DOCS_IMG, 'dashboard-agents.png') });
        expect(w.errors).toEqual([]);
      });
    });
  });
});
