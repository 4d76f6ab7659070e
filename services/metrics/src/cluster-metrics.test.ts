import { createClusterMetrics } from './cluster-metrics';
import { testRegistry } from './test-support/fixtures';

describe('metrics on a shared registry', () => {
  it('a second service on the same registry reuses the metrics instead of throwing', async () => {
    const shared = testRegistry();
    const first = createClusterMetrics(shared);
    const second = createClusterMetrics(shared);
    expect(second.framesPublished).toBe(first.framesPublished);
    first.framesPublished.inc({ type: 'health' });
    second.framesPublished.inc({ type: 'health' });
    expect(await shared.registry.getSingleMetricAsString('arcp_metrics_frames_published_total')).toMatch(/type="health"} 2/);
  });

  it('cluster gauges drop roles that are no longer reported', async () => {
    const shared = testRegistry();
    const metrics = createClusterMetrics(shared);
    const view = (byRole: [string, { replicas: number; connections: number }][]) =>
      ({ agents: [], cluster: { byRole: new Map(byRole) } }) as unknown as Parameters<typeof metrics.observe>[0];
    metrics.observe(view([['gateway-public', { replicas: 2, connections: 9 }]]));
    expect(await shared.registry.getSingleMetricAsString('arcp_cluster_connections')).toMatch(/role="gateway-public"} 9/);
    metrics.observe(view([['registry', { replicas: 1, connections: 0 }]]));
    const text = await shared.registry.getSingleMetricAsString('arcp_cluster_connections');
    expect(text).not.toMatch(/gateway-public/);
    expect(text).toMatch(/role="registry"} 0/);
  });
});
