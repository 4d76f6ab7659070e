/**
 * The compose stack as the e2e suite's `Topology`: every URL is the edge's published port, so
 * the product suite runs through nginx, Docker's DNS and the containers exactly as users reach
 * them. Also what the deployment suite needs around it: the gate that runs it only inside
 * `pnpm test:deploy`, and a file of measured figures the driver prints in its summary.
 */
import { appendFileSync } from 'node:fs';
import { perReplicaCap, perReplicaPerAddress, type Channel, type Topology } from '../topology';
import { ComposeStack } from './stack';

export interface StackTopology extends Topology {
  readonly stack: ComposeStack;
  /** Replicas per gateway service right now (scaling tests update it). */
  readonly replicas: Record<Channel, number>;
}

export function stackTopology(stack: ComposeStack): StackTopology {
  const ws = `ws://127.0.0.1:${stack.spec.edgePort}`;
  const env = stack.spec.serviceEnv;
  const replicas: Record<Channel, number> = { public: 1, agents: 1, dashboard: 1 };
  return {
    kind: 'cluster',
    stack,
    replicas,
    http: stack.edgeUrl,
    ws: { public: [`${ws}/public/ws`], agents: [`${ws}/agents/ws`], dashboard: [`${ws}/dashboard/ws`] },
    env,
    agentKeys: env.AGENT_KEYS!.split(','),
    // The edge spreads sockets over the replicas, so the cap is reached on all of them.
    capacity: (channel) => perReplicaCap(env, channel) * replicas[channel],
    perAddress: (channel) => perReplicaPerAddress(env, channel) * replicas[channel],
    async killGateway(channel, index, signal = 'SIGKILL') {
      const all = (await stack.containers(`gateway-${channel}`)).sort((a, b) => a.name.localeCompare(b.name));
      const victim = all[index];
      if (!victim) throw new Error(`no gateway-${channel} replica ${index}`);
      if (signal !== 'SIGKILL') throw new Error('only SIGKILL is supported on a compose replica');
      await stack.kill(victim.id);
    },
    /** `docker restart`: SIGTERM (the replica drains with 4200), then the same container starts again. */
    async restartGateway(channel, index) {
      const service = `gateway-${channel}`;
      const all = (await stack.containers(service)).sort((a, b) => a.name.localeCompare(b.name));
      const victim = all[index];
      if (!victim) throw new Error(`no ${service} replica ${index}`);
      await stack.restart(victim.id);
      await stack.waitHealthy({ [service]: replicas[channel] }, { restarting: true });
    },
    output: () => `compose project ${stack.spec.project}: see \`docker logs\` of its containers`,
    // The driver owns the stack's lifetime (and its teardown, also on failure).
    stop: async () => {},
  };
}

/** `describe` inside `pnpm test:deploy`; otherwise a skip that says so, or a failure under CI. */
export function describeWithStack(name: string, fn: (stack: ComposeStack) => void): void {
  const stack = ComposeStack.fromEnv();
  if (stack) describe(name, () => fn(stack));
  else if (process.env.CI === 'true') {
    describe(name, () => {
      it('runs inside pnpm test:deploy', () => {
        throw new Error(`${ComposeStack.ENV} is not set: the deployment suite runs through \`pnpm test:deploy\`, which starts the stack`);
      });
    });
  } else describe.skip(`${name} (run it with pnpm test:deploy)`, () => fn(null as unknown as ComposeStack));
}

export const MEASURE_ENV = 'ARCP_DEPLOY_MEASUREMENTS';

/** Records a measured figure for the driver's summary (a line of JSON in MEASURE_ENV's file). */
export function recordMeasurement(name: string, value: string): void {
  const file = process.env[MEASURE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ name, value })}\n`);
}
