/**
 * The real product for the SDK's tests: the standalone product as its own process (as `pnpm
 * start` runs it, with the e2e suite's fast settings). Packages never load a service in-process.
 */
import { startStandaloneProduct } from '@arcp/e2e';
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
  const topo = await startStandaloneProduct(() => overrides);
  return {
    env: topo.env,
    base: topo.http,
    http: new ArcpHttp(topo.http),
    url: (channel) => topo.ws[channel][0]!,
    agentKey: (i) => topo.agentKeys[i]!,
    stop: () => topo.stop(),
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
