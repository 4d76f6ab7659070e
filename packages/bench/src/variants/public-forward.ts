/**
 * The product's public gateway exactly as `services/gateway-public/src/main.ts` runs it, plus one
 * engine `forward` of a bus subject (BENCH_FORWARD_SUBJECT) to the `agents_update` topic: the path
 * the dashboard gateway uses for frames the metrics service publishes on NATS (`ChannelHandle.
 * forward`: every message of a NATS read is handed to uWS `publish` in the same turn). The fanout
 * benchmark's "engine forward" cases feed pre-encoded `agents_update` frames through it, to
 * measure the engine and transport without the directory's one-frame-per-change coalescing.
 */
import { runService } from '@arcp/gateway-core';
import { createPublicGateway, PublicGatewayEnv } from '@arcp/gateway-public';
import { Topics } from '@arcp/protocol';

const subject = process.env.BENCH_FORWARD_SUBJECT ?? 'bench.frames';

void runService({
  service: 'gateway-public',
  envSchema: PublicGatewayEnv,
  listenOn: (c) => ({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT }),
  build: ({ config, bus, logger, registry, app }) => {
    const gw = createPublicGateway({ app, bus, config, logger, registry });
    gw.handle.forward(subject, Topics.publicAgents, 'agents_update');
    return { ...gw, connections: () => gw.handle.count() };
  },
});
