/**
 * The deployment suite (`pnpm test:deploy` starts the stack and runs this): docker-compose.yml
 * on a real engine, driven through its nginx edge only. First the whole product suite (every
 * frame of the three channels, the agent flow, liveness); then what only the deployment has:
 * `--scale gateway-public=3` (three healthy replicas, three Prometheus targets, new sockets on
 * all three), a crashed registry (restarted by Docker), a killed registry container (started
 * again with `up`) and a stopped-then-started NATS, each losing no registered agent and
 * recovering within RECOVERY_BOUND_MS. Measured figures go to the driver's summary.
 */
import { waitFor } from '@arcp/testkit';
import { idsOf } from '../context';
import { call, type RegisteredAgent } from '../http';
import { productSuite } from '../index';
import { sampleOf } from './stack';
import { describeWithStack, recordMeasurement, stackTopology } from './topology';

/** What "recovers" must stay under, from the fault to everything answering again. */
const RECOVERY_BOUND_MS = 30_000;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const isUpdateWith = (id: string) => (f: { json: unknown }) =>
  (f.json as { type?: string })?.type === 'agents_update' && idsOf(f.json).includes(id);

describeWithStack('docker compose stack, through its edge', (stack) => {
  const topo = stackTopology(stack);
  const ctx = productSuite(() => topo, { oneClientAddress: true });
  /** What a failure message needs: each replica's bus gauges and errors, recent frames, logs. */
  const diagnose = async (service: string, frames: string[]): Promise<string> => {
    const lines = [`last frames: ${frames.join(' | ')}`];
    for (const c of await stack.containers(service)) {
      const text = await stack.metricsOf(c.id).catch((e: Error) => e.message);
      const bus = text.split('\n').filter((l) => /^arcp_bus_(connected|handler_errors_total)/.test(l));
      lines.push(`${c.name} ${c.status}/${c.health}: ${bus.join(', ')}`);
    }
    return `${lines.join('\n')}\n${await stack.logs(40, service)}`;
  };

  describe('agent flow', () => {
    it('temp token → register → heartbeat, then listed alive', async () => {
      const agent = await ctx.register('flow');
      const hb = await call(topo.http, 'POST', `/agents/${agent.agentId}/heartbeat`, { token: agent.accessToken });
      expect(hb.status).toBe(200);
      const got = await call(topo.http, 'GET', `/agents/${agent.agentId}`, { token: agent.accessToken });
      expect(got).toMatchObject({ status: 200, body: { agent_id: agent.agentId, status: 'alive' } });
    });
  });

  describe('gateway-public scaled to 3', () => {
    afterAll(() => ctx.closeAll());
    const publicOpened = 'arcp_gateway_connections_opened_total{channel="public"}';

    it('runs three healthy replicas', async () => {
      const started = Date.now();
      await stack.scale('gateway-public', 3);
      await stack.waitHealthy({ 'gateway-public': 3 }, { timeoutMs: 90_000 });
      topo.replicas.public = 3;
      recordMeasurement('scale gateway-public 1 → 3, all healthy', secs(Date.now() - started));
    }, 120_000);

    it('is discovered by Prometheus as three targets, all up', async () => {
      const instances = (await stack.containers('gateway-public')).map((c) => `${c.ip}:9464`).sort();
      expect(instances).toHaveLength(3);
      const started = Date.now();
      await waitFor(
        async () => {
          const res = await fetch(`${stack.prometheusUrl}/api/v1/targets?state=active`);
          const body = (await res.json()) as { data: { activeTargets: Array<{ labels: Record<string, string>; health: string }> } };
          const mine = body.data.activeTargets.filter((t) => t.labels.job === 'gateway-public');
          return (
            mine.length === 3 &&
            mine.every((t) => t.health === 'up') &&
            JSON.stringify(mine.map((t) => t.labels.instance).sort()) === JSON.stringify(instances)
          );
        },
        { timeoutMs: 75_000, intervalMs: 1000, what: 'three gateway-public targets up in Prometheus' },
      );
      recordMeasurement('Prometheus: three gateway-public targets up after', secs(Date.now() - started));
    }, 90_000);

    it('spreads new sockets from the edge over all three replicas', async () => {
      const replicas = await stack.containers('gateway-public');
      const opened = async () => Promise.all(replicas.map(async (r) => sampleOf(await stack.metricsOf(r.id), publicOpened) ?? 0));
      const before = await opened();
      let sockets = 0;
      let after = before;
      await waitFor(
        async () => {
          for (let i = 0; i < 6; i++, sockets++) await (await ctx.open('public')).nextType('welcome');
          after = await opened();
          return after.every((n, i) => n > before[i]!);
        },
        { timeoutMs: 60_000, intervalMs: 0, what: 'a new socket on every replica' },
      );
      // Every socket landed on one of the three, and each of them got some.
      expect(after.reduce((a, n, i) => a + n - before[i]!, 0)).toBe(sockets);
      recordMeasurement(
        'sockets through the edge until all three replicas served one',
        `${sockets} (per replica: ${after.map((n, i) => n - before[i]!).join(' / ')})`,
      );
    }, 90_000);
  });

  describe('failures', () => {
    const fleet: RegisteredAgent[] = [];
    let beating: NodeJS.Timeout | undefined;
    const heartbeat = (a: RegisteredAgent) =>
      call(topo.http, 'POST', `/agents/${a.agentId}/heartbeat`, { token: a.accessToken }).then(
        (r) => r.status,
        () => 0,
      );
    /** Every fleet agent still known (its heartbeat answers 200) and listed by the registry. */
    const fleetIntact = async () => {
      if ((await Promise.all(fleet.map(heartbeat))).some((s) => s !== 200)) return false;
      const listed = await call(topo.http, 'GET', '/agents', { token: fleet[0]!.accessToken });
      return listed.status === 200 && fleet.every((a) => idsOf(listed.body).includes(a.agentId));
    };

    beforeAll(async () => {
      for (let i = 0; i < 5; i++) fleet.push(await ctx.register('fleet'));
      // Live agents keep beating through every outage, as real ones do.
      beating = setInterval(() => void Promise.all(fleet.map(heartbeat)), 1000);
    });
    afterAll(() => {
      clearInterval(beating);
      ctx.closeAll();
    });

    /** Waits for the outage to show through the edge, then for every agent answering again. */
    const outageThenRecovery = async (since: number): Promise<number> => {
      await waitFor(async () => !(await fleetIntact()), { timeoutMs: 5000, intervalMs: 100, what: 'the outage to show through the edge' });
      await waitFor(fleetIntact, { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 250, what: 'every agent answering through the edge again' });
      return Date.now() - since;
    };

    it('registry crash (its process SIGKILLed): Docker restarts it, no agent is lost, it serves within the bound', async () => {
      const [registry] = await stack.containers('registry');
      const crashed = Date.now();
      await stack.crash(registry!.id);
      const recovered = await outageThenRecovery(crashed);
      const [again] = await stack.containers('registry');
      expect(again!.restarts).toBe(registry!.restarts + 1);
      expect((await ctx.register('after-crash')).accessToken).toBeTruthy();
      await stack.waitHealthy({ registry: 1 }, { timeoutMs: RECOVERY_BOUND_MS });
      recordMeasurement('registry crash → every agent answering through the edge', `${secs(recovered)} (bound ${secs(RECOVERY_BOUND_MS)})`);
      expect(recovered).toBeLessThan(RECOVERY_BOUND_MS);
    }, 60_000);

    it('registry container killed (docker kill), then `up` again: no agent is lost, it serves within the bound', async () => {
      const [registry] = await stack.containers('registry');
      await stack.kill(registry!.id);
      await waitFor(async () => !(await fleetIntact()), { timeoutMs: 5000, intervalMs: 100, what: 'the outage to show through the edge' });
      const upAgain = Date.now();
      await stack.up(['registry']);
      await waitFor(fleetIntact, { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 250, what: 'every agent answering through the edge again' });
      const recovered = Date.now() - upAgain;
      expect((await ctx.register('after-kill')).accessToken).toBeTruthy();
      await stack.waitHealthy({ registry: 1 }, { timeoutMs: RECOVERY_BOUND_MS });
      recordMeasurement(
        'registry docker kill, `up` → every agent answering through the edge',
        `${secs(recovered)} (bound ${secs(RECOVERY_BOUND_MS)})`,
      );
      expect(recovered).toBeLessThan(RECOVERY_BOUND_MS);
    }, 60_000);

    it('NATS stopped and started: no agent is lost, registrations reach open sockets again within the bound', async () => {
      const watcher = await ctx.open('public');
      await watcher.nextType('welcome');
      await stack.stop('nats');
      // The registry stores before it answers: without NATS a registration must fail, not pass.
      const down = await ctx.register('down').then(
        () => 'accepted',
        (err: Error) => err.message.replace(/\s*\{.*$/s, ''),
      );
      recordMeasurement('a registration while NATS is stopped', down);
      expect(down).not.toBe('accepted');
      await stack.start('nats');
      const restarted = Date.now();
      const fresh = await waitFor(() => ctx.register('after-nats').catch(() => null), {
        timeoutMs: RECOVERY_BOUND_MS,
        intervalMs: 250,
        what: 'a registration through the edge',
      });
      const registered = Date.now() - restarted;
      // The socket opened before the outage sees the new agent: gateway → NATS → registry again.
      const socket = watcher.closed ? await ctx.open('public') : watcher;
      await socket
        .next(isUpdateWith(fresh.agentId), {
          timeoutMs: RECOVERY_BOUND_MS,
          what: 'agents_update with the agent registered after the restart',
        })
        .catch(async (err: Error) => {
          socket.send({ type: 'get_discovery', page: 1, page_size: 100 });
          const seen = await socket.nextType('discovery_data', { from: socket.frames.length }).then(
            (d) => idsOf(d).includes(fresh.agentId),
            (e: Error) => e.message,
          );
          const stored = await call(topo.http, 'GET', `/agents/${fresh.agentId}`, { token: fresh.accessToken });
          throw new Error(
            `${err.message}\nregistry has it: ${stored.status}; this replica's discovery lists it: ${seen}\n${await diagnose(
              'gateway-public',
              socket.frames.slice(-3).map((f) => f.text),
            )}`,
          );
        });
      const flowing = Date.now() - restarted;
      await waitFor(fleetIntact, { timeoutMs: RECOVERY_BOUND_MS, intervalMs: 250, what: 'every agent answering again' });
      await stack.waitHealthy(
        { nats: 1, registry: 1, metrics: 1, 'gateway-public': 3, 'gateway-agents': 1, 'gateway-dashboard': 1 },
        { timeoutMs: 60_000 },
      );
      const healthy = Date.now() - restarted;
      recordMeasurement('NATS start → registration accepted', secs(registered));
      recordMeasurement(
        'NATS start → agents_update on a socket opened before the outage',
        `${secs(flowing)}${socket === watcher ? '' : ' (the old socket was closed; a new one)'}`,
      );
      recordMeasurement('NATS start → every container healthy', secs(healthy));
      expect(socket).toBe(watcher);
      expect(flowing).toBeLessThan(RECOVERY_BOUND_MS);
    }, 120_000);
  });
});
