/**
 * The end-to-end suite through the nginx edge of cluster mode: nats-server, registry, metrics and
 * two replicas of each gateway behind one port with compose's routing (ops/nginx). Then what only
 * an edge adds: sockets spread over the replicas, new sockets still land after a replica dies, and
 * the registry tells clients apart by the address the edge forwards (which a client cannot forge).
 */
import { request } from 'node:http';
import { describeWithNats, natsUrl, waitFor } from '@arcp/testkit';
import { productSuite } from './index';
import { describeWithEdge, replicaConnections, startEdgeCluster, type EdgeTopology } from './edge';

let topo: EdgeTopology;

describeWithNats('through the nginx edge', () => {
  describeWithEdge('cluster mode behind nginx', () => {
    beforeAll(async () => {
      topo = await startEdgeCluster(natsUrl(), 2);
    }, 90_000);
    afterAll(async () => {
      await topo?.stop();
    }, 60_000);

    const ctx = productSuite(() => topo);

    describe('edge', () => {
      afterEach(() => ctx.closeAll());

      it('routes the registry API and answers its own health check', async () => {
        expect((await fetch(`${topo.http}/edge-healthz`)).status).toBe(200);
        const res = await fetch(`${topo.http}/agents`);
        expect(res.headers.get('content-type')).toMatch(/json/);
        expect(res.status).toBe(401);
      });

      it('routes the operator page to the dashboard gateways, headers intact', async () => {
        const page = await fetch(`${topo.http}/dashboard`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(page.headers.get('cache-control')).toBe('no-cache');
        expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
        const script = /src="(\/dashboard\/assets\/[^"]+)"/.exec(await page.text())![1]!;
        const asset = await fetch(`${topo.http}${script}`, { headers: { 'accept-encoding': 'gzip' } });
        expect(asset.status).toBe(200);
        expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect((await fetch(`${topo.http}/dashboard/`)).status).toBe(200);
        // The registry does not know the page: a 200 here came from a dashboard gateway.
        expect((await fetch(`http://${topo.cluster.registry.listen}/dashboard`)).status).toBe(404);
      });

      it('routes the API documents and the /docs page to the registry', async () => {
        const openapi = await fetch(`${topo.http}/openapi.json`);
        expect(openapi.status).toBe(200);
        expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
        expect(((await (await fetch(`${topo.http}/asyncapi.json`)).json()) as { asyncapi: string }).asyncapi).toBe('3.0.0');
        const docs = await fetch(`${topo.http}/docs`);
        expect(docs.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(await docs.text()).toContain('<h2 id="ws">WebSocket channels</h2>');
      });

      it('spreads new sockets over both replicas of a channel', async () => {
        const before = [await replicaConnections(topo, 'public', 0), await replicaConnections(topo, 'public', 1)];
        for (let i = 0; i < 4; i++) await (await ctx.open('public')).nextType('welcome');
        const after = [await replicaConnections(topo, 'public', 0), await replicaConnections(topo, 'public', 1)];
        expect(after[0]! - before[0]!).toBe(2);
        expect(after[1]! - before[1]!).toBe(2);
      });

      it('keeps accepting sockets after a replica is killed', async () => {
        const doomed = [await ctx.open('public'), await ctx.open('public')];
        await Promise.all(doomed.map((c) => c.nextType('welcome')));
        await topo.killGateway('public', 0, 'SIGKILL');
        await waitFor(() => doomed.some((c) => c.closed), { timeoutMs: 5000, what: 'a socket of the killed replica closing' });
        for (let i = 0; i < 4; i++) await (await ctx.open('public')).nextType('welcome');
        expect(await replicaConnections(topo, 'public', 1)).toBeGreaterThanOrEqual(4);
      });

      it('rate-limits each client by its own address, whatever X-Forwarded-For it sends', async () => {
        const get = (localAddress: string, headers: Record<string, string> = {}) =>
          new Promise<number>((resolve, reject) => {
            const req = request(`${topo.http}/agents`, { localAddress, headers }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            });
            req.on('error', reject);
            req.end();
          });
        const statuses: number[] = [];
        // Well past the suite's HTTP_RATE_BURST of 400 from one address.
        for (let i = 0; i < 60 && !statuses.includes(429); i++) {
          const batch = Array.from({ length: 10 }, (_, j) => get('127.0.0.2', { 'x-forwarded-for': `10.9.${i}.${j}` }));
          statuses.push(...(await Promise.all(batch)));
        }
        expect(statuses).toContain(429);
        expect(await get('127.0.0.1')).toBe(401);
      });
    });
  });
});
