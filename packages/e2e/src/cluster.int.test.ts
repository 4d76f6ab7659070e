/**
 * The end-to-end suite against the distributed topology: nats-server, registry, metrics and two
 * replicas of each gateway as separate processes. Clients on different replicas see the same
 * directory; a killed replica's clients reconnect to the other one; a drained one says 4200.
 */
import { describeWithNats, natsUrl } from '@arcp/testkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { idsOf, productSuite, startCluster, type Topology } from './index';
import { ROOT } from '@arcp/cluster';

let topo: Topology;

describeWithNats('distributed topology', () => {
  beforeAll(async () => {
    topo = await startCluster(natsUrl(), 2);
  }, 90_000);
  afterAll(async () => {
    await topo?.stop();
  });

  const ctx = productSuite(() => topo);

  it('serves the generated API documents from the registry service', async () => {
    const committed = (name: string) => readFileSync(join(ROOT, 'schemas', name), 'utf8');
    for (const name of ['openapi.json', 'asyncapi.json', 'docs.html']) {
      const path = name === 'docs.html' ? '/docs' : `/${name}`;
      const res = await fetch(`${topo.http}${path}`);
      expect([path, res.status]).toEqual([path, 200]);
      expect(await res.text()).toBe(committed(name));
    }
  });

  describe('replica failure', () => {
    afterEach(() => ctx.closeAll());

    it('drains an agents replica on SIGTERM with the reconnect code 4200', async () => {
      const agent = await ctx.register('drain');
      const sock = await ctx.agentSocket(agent.accessToken, 1);
      await topo.killGateway('agents', 1, 'SIGTERM');
      expect((await sock.closedWith(10_000)).code).toBe(4200);
      const again = await ctx.agentSocket(agent.accessToken, 0);
      expect(again.closed).toBeUndefined();
    });

    it('moves the clients of a killed public replica to the other one, which keeps serving updates', async () => {
      const victim = await ctx.open('public', 0);
      await victim.nextType('welcome');
      await topo.killGateway('public', 0, 'SIGKILL');
      expect((await victim.closedWith(10_000)).code).toBe(1006);
      const moved = await ctx.open('public', 1);
      await moved.nextType('welcome');
      const agent = await ctx.register('moved');
      await moved.next((f) => (f.json as { type?: string })?.type === 'agents_update' && idsOf(f.json).includes(agent.agentId), {
        what: 'update after failover',
      });
    });
  });
});
