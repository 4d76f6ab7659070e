/**
 * The product's public gateway exactly as `services/gateway-public/src/main.ts` runs it, plus one
 * engine `forward` of a bus subject (BENCH_FORWARD_SUBJECT) to the `agents_update` topic: the path
 * the dashboard gateway uses for frames the metrics service publishes on NATS (`EndpointHandle.
 * forward`: every message of a NATS read is handed to uWS `publish` in the same turn). The fanout
 * benchmark's "engine forward" cases feed pre-encoded `agents_update` frames through it, to
 * measure the engine and transport without the directory's one-frame-per-change coalescing.
 */
import { GATEWAY_CHANNELS, gatewayServiceEnv, mountGateway, type MountGatewayDeps } from '@arcp/gateway';
import { Topics } from '@arcp/protocol';
import { runService } from '@arcp/service-kit';
import { createUwsServer } from '@arcp/ws-engine';

const subject = process.env.BENCH_FORWARD_SUBJECT ?? 'bench.frames';
const spec = GATEWAY_CHANNELS.public;

void runService({
  service: 'gateway-public',
  envSchema: gatewayServiceEnv(spec),
  listener: {
    create: createUwsServer,
    listenOn: (c: { GATEWAY_HOST: string; GATEWAY_PORT: number }) => ({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT }),
  },
  build: ({ config, bus, logger, registry, server }) => {
    const gw = mountGateway(spec, { app: server.app, bus, config: config as MountGatewayDeps['config'], logger, registry });
    gw.handle.forward(subject, Topics.publicAgents, 'agents_update');
    return { ...gw, connections: () => gw.handle.count() };
  },
});
