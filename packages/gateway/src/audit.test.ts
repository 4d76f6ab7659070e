/**
 * Rejected tokens on the authenticated channels leave one audit line each (reason, address,
 * channel), through the real gateways on a real uWS app.
 */
import { createTokenService } from '@arcp/auth';
import { createMemoryBus, loadConfig } from '@arcp/service-kit';
import { createUwsApp, listen } from '@arcp/ws-engine';
import { createRecordingLogger } from '@arcp/ws-engine/testing';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { z } from 'zod';
import { channelEnv, GATEWAY_CHANNELS } from './channels';
import { mountGateways } from './run';

const SECRET = 'a'.repeat(40);
const tokens = createTokenService({ secret: SECRET, agentTtlS: 600, adminTtlS: 600, tempTtlS: 60 });

/** Opens `path`, sends `first` and resolves the close code. */
function closeCodeAfter(port: number, path: string, first: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    ws.once('open', () => ws.send(first));
    ws.once('close', (code) => resolve(code));
    ws.once('error', reject);
  });
}

it('writes one audit line per token the agents and dashboard channels reject, never the token', async () => {
  const bus = createMemoryBus();
  const app = createUwsApp();
  const logger = createRecordingLogger();
  const schema = z.object(
    Object.assign(
      { ARCP_BUS_PREFIX: z.string().default('t_audit'), TRUST_PROXY: z.boolean().default(false) },
      ...Object.values(GATEWAY_CHANNELS).map((s) => channelEnv(s).shape),
    ),
  );
  const config = loadConfig(schema, { JWT_SECRET: SECRET });
  const gateways = mountGateways({ app, bus, config: config as never, logger, registry: new Registry() });
  for (const g of gateways) await g.start();
  const listening = await listen(app, '127.0.0.1', 0);
  try {
    const agent = await tokens.issueAgent('audit-1');
    expect(await closeCodeAfter(listening.port, '/agents/ws', JSON.stringify({ token: 'garbage.not.jwt' }))).toBe(1008);
    expect(await closeCodeAfter(listening.port, '/dashboard/ws', JSON.stringify({ type: 'auth', token: agent.token }))).toBe(4003);
    expect(await closeCodeAfter(listening.port, '/dashboard/ws', JSON.stringify({ type: 'auth', token: 'x.y.z' }))).toBe(4001);
    const audits = logger.lines.filter((l) => 'audit' in l.obj).map((l) => l.obj as Record<string, unknown>);
    expect(audits.map((a) => [a['audit'], a['reason'], a['endpoint'], a['client_ip']])).toEqual([
      ['token_rejected', 'malformed', '/agents/ws', '127.0.0.1'],
      ['token_rejected', 'wrong_role', '/dashboard/ws', '127.0.0.1'],
      ['token_rejected', 'malformed', '/dashboard/ws', '127.0.0.1'],
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(agent.token);
  } finally {
    listening.close();
    for (const g of gateways) await g.stop();
    await bus.close();
  }
});
