import { REFERENCE_EXAMPLES } from '../test-support/reference-examples';
import { formatIssues } from '../validation';
import { HealthDataSchema } from './dashboard-data';

const deployment = (replicas: number, connections: number) => ({ replicas, connections });

/** The health data the metrics service builds: real storage engine, agents, gateway deployments. */
const ours = {
  status: 'healthy',
  reason: 'All systems operational',
  components: {
    storage: { status: 'healthy', engine: 'nats-jetstream', connected: true },
    agents: { total: 4, active: 4, status: 'healthy', connectivity_ratio: 1 },
    gateways: { public: deployment(2, 130), agents: deployment(1, 4), dashboard: deployment(1, 0) },
  },
};

const withGateways = (gateways: unknown) => ({ ...ours, components: { ...ours.components, gateways } });

describe('HealthDataSchema', () => {
  it('accepts the gateways component the metrics service emits', () => {
    const r = HealthDataSchema.safeParse(ours);
    if (!r.success) throw new Error(formatIssues(r.error));
    expect(r.data.components.gateways?.public).toEqual({ replicas: 2, connections: 130 });
  });

  it("still accepts the reference document's example (no gateways, extra flat components)", () => {
    const example = REFERENCE_EXAMPLES.find((e) => e.name === 'health')!;
    const data = (JSON.parse(example.json) as { data: unknown }).data;
    expect(HealthDataSchema.safeParse(data).success).toBe(true);
  });

  it.each([
    ['a missing deployment', { public: deployment(1, 1), agents: deployment(1, 1) }, 'components.gateways.dashboard'],
    [
      'negative connections',
      { public: deployment(1, -1), agents: deployment(1, 1), dashboard: deployment(1, 1) },
      'components.gateways.public.connections',
    ],
    [
      'fractional replicas',
      { public: deployment(1.5, 1), agents: deployment(1, 1), dashboard: deployment(1, 1) },
      'components.gateways.public.replicas',
    ],
    ['an unknown deployment', { ...ours.components.gateways, admin: deployment(1, 1) }, 'components.gateways'],
  ])('rejects gateways with %s', (_name, gateways, path) => {
    const r = HealthDataSchema.safeParse(withGateways(gateways));
    expect(r.success).toBe(false);
    if (!r.success) expect(formatIssues(r.error)).toContain(path);
  });

  it('keeps requiring a status on every other component', () => {
    const data = { ...ours, components: { ...ours.components, cache: { hits: 3 } } };
    expect(HealthDataSchema.safeParse(data).success).toBe(false);
  });
});
