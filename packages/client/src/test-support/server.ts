/**
 * The real product for the SDK's tests: the standalone process in-process on a free port (as
 * `pnpm start` runs it), restartable on the same port with the same secrets, so a restart looks
 * to a client exactly like a redeploy.
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
  /** Stops (drain: sockets close with 4200) and starts again on the same port. */
  restart(pauseMs?: number): Promise<void>;
}

export { WebSocket };

export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const port = await freePort();
  const env = { ...suiteEnv(), LOG_LEVEL: 'fatal', ARCP_HOST: '127.0.0.1', ARCP_PORT: String(port), OPS_HOST: '127.0.0.1', OPS_PORT: '0', ...overrides };
  let product: Standalone | null = await startStandalone({ env });
  const base = `http://127.0.0.1:${port}`;
  return {
    env,
    base,
    http: new ArcpHttp(base),
    url: (channel) => `ws://127.0.0.1:${port}/${channel}/ws`,
    agentKey: (i) => env.AGENT_KEYS.split(',')[i]!,
    async stop() {
      await product?.stop();
      product = null;
    },
    async restart(pauseMs = 300) {
      await product?.stop();
      product = null;
      await new Promise((r) => setTimeout(r, pauseMs));
      product = await startStandalone({ env });
    },
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
