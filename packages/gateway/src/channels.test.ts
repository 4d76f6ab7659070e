/**
 * Channels are data: a new catalog entry is configured, mounted, served and measured by the
 * derived code alone, with no other edit.
 */
import { createMemoryBus, envNumber, loadConfig, type Bus } from '@arcp/service-kit';
import { createUwsApp, listen, mountEndpoint } from '@arcp/ws-engine';
import { createRecordingLogger } from '@arcp/ws-engine/testing';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { z } from 'zod';
import { channelEnv, GATEWAY_CHANNELS, type ChannelSpec } from './channels';
import { gatewayServiceEnv, mountGateways } from './run';
import type { Gateway } from './kit';

const EchoEnv = z.object({ ECHO_PREFIX: z.string().default('echo: '), ECHO_REPEAT: envNumber({ min: 1, max: 5, default: 1 }) });

/** A channel that exists only in this test: it echoes every text frame. */
const echo: ChannelSpec = {
  name: 'echo',
  path: '/echo/ws',
  auth: 'none',
  envPrefix: 'ECHO',
  limitDefaults: { maxConnections: 3, maxPayloadBytes: 1024, maxPending: 3, maxPerAddress: 3, authTimeoutS: 5 },
  env: EchoEnv,
  create(deps): Gateway {
    const config = deps.config as unknown as z.infer<typeof EchoEnv>;
    const handle = mountEndpoint(
      deps.app,
      {
        name: 'echo',
        path: '/echo/ws',
        limits: deps.limits,
        textPing: 'trim-lower',
        jsonPing: true,
        onOpen() {},
        onMessage: (conn, text) => void conn.send(`${config.ECHO_PREFIX}${text}`.repeat(config.ECHO_REPEAT)),
        onClose() {},
      },
      { logger: deps.logger, registry: deps.registry },
    );
    return { handle, start: async () => {}, ready: () => true, drain: () => handle.drain(), stop: async () => handle.stop() };
  },
};

describe('a channel added to the catalog', () => {
  it('gets its limit variables (with its defaults), its own variables and the service basics', () => {
    const parsed = loadConfig(gatewayServiceEnv(echo), { ECHO_WS_MAX_CONNECTIONS: '7', ECHO_REPEAT: '2' }) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      ECHO_WS_MAX_CONNECTIONS: 7,
      ECHO_WS_MAX_PAYLOAD_BYTES: 1024,
      ECHO_REPEAT: 2,
      ECHO_PREFIX: 'echo: ',
      GATEWAY_PORT: 8080,
    });
    expect(() => loadConfig(channelEnv(echo), { ECHO_WS_MAX_CONNECTIONS: 'many' })).toThrow(/ECHO_WS_MAX_CONNECTIONS/);
    // It authenticates nobody, so it reads no JWT settings.
    expect(Object.keys(channelEnv(echo).shape)).not.toContain('JWT_SECRET');
  });

  it('is mounted, served and measured next to the protocol channels by the same code', async () => {
    const bus: Bus = createMemoryBus();
    const app = createUwsApp();
    const registry = new Registry();
    const catalog = { ...GATEWAY_CHANNELS, echo };
    const env = { JWT_SECRET: 'x'.repeat(40), ECHO_PREFIX: '> ' };
    const config = loadConfig(
      z.object(
        Object.assign(
          { ARCP_BUS_PREFIX: z.string().default('t_catalog'), TRUST_PROXY: z.boolean().default(false) },
          ...Object.values(catalog).map((s) => channelEnv(s).shape),
        ),
      ),
      env,
    );
    const gateways = mountGateways({ app, bus, config: config as never, logger: createRecordingLogger(), registry }, catalog);
    expect(gateways.map((g) => g.handle.name)).toEqual(['public', 'agents', 'dashboard', 'echo']);
    for (const g of gateways) await g.start();
    const listening = await listen(app, '127.0.0.1', 0);
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${listening.port}/echo/ws`);
      const reply = await new Promise<string>((resolve, reject) => {
        ws.once('open', () => ws.send('hello'));
        ws.once('message', (data) => resolve(data.toString()));
        ws.once('error', reject);
      });
      expect(reply).toBe('> hello');
      ws.close();
      expect(await registry.getSingleMetricAsString('arcp_gateway_messages_received_total')).toMatch(/channel="echo",type="message"} 1/);
    } finally {
      listening.close();
      for (const g of gateways) await g.stop();
      await bus.close();
    }
  });
});
