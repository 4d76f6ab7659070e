/**
 * The real product for the SDK's tests: the standalone product in-process on a free port, with
 * the e2e suite's fast settings. Restart tests use real processes instead (@arcp/e2e topologies),
 * so a restart closes every connection the way a redeploy does.
 */
import { suiteEnv } from '@arcp/e2e';
import { startStandalone, type Standalone } from '@arcp/standalone';
import { freePort } from '@arcp/testkit';
import WebSocket from 'ws';
import { ArcpHttp } from '../http';

export interface TestServer {
  readonly env: Readonly<Record<string, string>>;
  readonly http: ArcpHttp;
  readonly base: string;
  url(channel: 'public' | 'agents' | 'dashboard'): string;
  agentKey(i: number): string;
  stop(): Promise<void>;
}

export { WebSocket };

export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const port = await freePort();
  const env: Record<string, string> = { ...suiteEnv(), LOG_LEVEL: 'fatal', ARCP_HOST: '127.0.0.1', ARCP_PORT: String(port), OPS_HOST: '127.0.0.1', OPS_PORT: '0', ...overrides };
  const product: Standalone = await startStandalone({ env });
  const base = `http://127.0.0.1:${port}`;
  return {
    env,
    base,
    http: new ArcpHttp(base),
    url: (channel) => `ws://127.0.0.1:${port}/${channel}/ws`,
    agentKey: (i) => env.AGENT_KEYS!.split(',')[i]!,
    stop: () => product.stop(),
  };
}

/** A registration body that passes every rule of the registry. */
export function registration(agentId: string, agentType = 'testing') {
  return {
    agent_id: agentId,
    name: `Agent ${agentId}`.slice(0, 32),
    agent_type: agentType,
    endpoint: 'http://localhost:8010',
    capabilities: ['processing', 'analysis'],
    context_brief: 'An agent registered by the client SDK tests',
    version: '1.0.0',
    owner: 'SDK Tests',
    public_key: 'test-public-key-that-is-at-least-32-characters-long-for-validation',
    communication_mode: 'remote',
    metadata: { environment: 'test' },
  };
}

/** Resolves when `pred` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
