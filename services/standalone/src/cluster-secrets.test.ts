/**
 * Cluster mode hands each child only the secrets it reads (@arcp/cluster's table): checked here,
 * where every service's config schema is at hand, so a service that starts reading a secret (or
 * stops) cannot silently be started without it (or keep holding it).
 */
import { CLUSTER_SECRETS, secretsFor } from '@arcp/cluster';
import { GATEWAY_CHANNELS, gatewayServiceEnv } from '@arcp/gateway';
import { MetricsEnv } from '@arcp/metrics';
import { gatewayService, type ChannelName } from '@arcp/protocol';
import { RegistryEnv } from '@arcp/registry';
import type { z } from 'zod';

const reads = (schema: z.ZodObject) => CLUSTER_SECRETS.filter((name) => name in schema.shape);

describe("cluster mode's secrets per service", () => {
  it('match what each config schema reads', () => {
    expect(secretsFor('registry')).toEqual(reads(RegistryEnv));
    expect(secretsFor('metrics')).toEqual(reads(MetricsEnv));
    for (const channel of Object.keys(GATEWAY_CHANNELS) as ChannelName[]) {
      expect([channel, secretsFor(gatewayService(channel))]).toEqual([channel, reads(gatewayServiceEnv(GATEWAY_CHANNELS[channel]))]);
    }
  });

  it('leave the public gateway and the metrics service without any', () => {
    expect([...secretsFor('gateway-public'), ...secretsFor('metrics')]).toEqual([]);
  });
});
