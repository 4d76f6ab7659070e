/**
 * Shared state of one suite run: the topology, fresh agent ids and keys (one key backs one live
 * agent), and the clients to close after each test.
 */
import { TestClient } from './ws-client';
import { loginAdmin, registerAgent, type RegisteredAgent } from './http';
import type { Channel, Topology } from './topology';

/** What a topology cannot do, known when the suite is declared (before the topology starts). */
export interface SuiteOptions {
  /**
   * Every client reaches the product from one address, whatever local address it binds (Docker's
   * port proxy connects to the edge from the bridge's gateway address).
   */
  oneClientAddress?: boolean;
}

export class SuiteContext {
  private keyIndex = 0;
  private idIndex = 0;
  private clients: TestClient[] = [];
  constructor(
    readonly topo: () => Topology,
    readonly options: SuiteOptions = {},
  ) {}

  get t(): Topology {
    return this.topo();
  }

  /** Replica `i` of a channel (wraps around, so a standalone topology serves every index). */
  url(channel: Channel, i = 0): string {
    const urls = this.t.ws[channel];
    return urls[i % urls.length]!;
  }

  async open(channel: Channel, i = 0, localAddress?: string): Promise<TestClient> {
    const c = await TestClient.open(this.url(channel, i), localAddress ? { localAddress } : {});
    this.clients.push(c);
    return c;
  }

  freshId(tag: string): string {
    return `e2e-${tag}-${++this.idIndex}-${Date.now().toString(36)}`;
  }

  /** Registers a fresh agent with the next shared key (the last key is kept for `dedicatedKey`). */
  async register(tag: string, agentType = 'testing', key?: string): Promise<RegisteredAgent> {
    const shared = this.t.agentKeys.slice(0, -1);
    return registerAgent(this.t.http, this.freshId(tag), key ?? shared[this.keyIndex++ % shared.length]!, agentType);
  }

  /** A key no other test registers with: for tests that register and unregister many agents in turn. */
  dedicatedKey(): string {
    return this.t.agentKeys.at(-1)!;
  }

  admin(): Promise<string> {
    return loginAdmin(this.t.http, this.t.env.ADMIN_USERNAME!, this.t.env.ADMIN_PASSWORD!);
  }

  /** An authenticated dashboard socket on replica `i`, after its initial burst. */
  async dashboard(i = 0, token?: string, localAddress?: string): Promise<TestClient> {
    const c = await this.open('dashboard', i, localAddress);
    c.send({ type: 'auth', token: token ?? (await this.admin()) });
    await c.nextType('logs', { timeoutMs: 8000 });
    return c;
  }

  /** An authenticated agents socket on replica `i`, after auth_success and the first list. */
  async agentSocket(token: string, i = 0): Promise<TestClient> {
    const c = await this.open('agents', i);
    await c.nextType('auth_required');
    c.send({ token });
    const ok = await c.nextType('auth_success');
    await c.next((f) => Array.isArray(f.json), { from: ok.__index + 1, what: 'agent list' });
    return c;
  }

  closeAll(): void {
    for (const c of this.clients.splice(0)) c.close();
  }
}

/** The agent ids of a public `agents_update`/discovery frame or of a bare agent list. */
export function idsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : ((value as { data?: { agents?: unknown[] } }).data?.agents ?? []);
  return list.map((a) => String((a as { agent_id: unknown }).agent_id));
}
