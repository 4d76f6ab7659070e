/**
 * The durable agent directory over the `<p>_agents` KV bucket. Writes are compare-and-set and
 * resolve once durable; lists come from a local read model kept by a KV watch (and updated by
 * our own writes at once), so listings never cost one round trip per agent.
 */
import { StoredAgentSchema, type StoredAgent } from '@arcp/protocol';
import { type KvEntry, type KvStore, type KvWatch } from '@arcp/service-kit';
import { decodeJson, encodeJson } from './codec';

export interface VersionedAgent {
  readonly agent: StoredAgent;
  readonly revision: number;
}

export class AgentStore {
  private readonly cache = new Map<string, VersionedAgent>();
  /** Highest revision seen per deleted key, so a late watch echo cannot resurrect it. */
  private readonly tombstones = new Map<string, number>();
  private watcher: KvWatch | null = null;

  constructor(
    private readonly kv: KvStore,
    private readonly onCorrupt: (key: string) => void = () => {},
  ) {}

  /** Loads every agent and follows changes; resolves once the initial load is complete. */
  async start(): Promise<void> {
    if (this.watcher !== null) return;
    let done!: () => void;
    const loaded = new Promise<void>((resolve) => (done = resolve));
    this.watcher = await this.kv.watch({ initial: true, onInitialDone: () => done() }, (e) => this.apply(e));
    await loaded;
  }

  stop(): void {
    this.watcher?.stop();
    this.watcher = null;
  }

  /** Every agent in the read model, oldest registration first (stable listing order). */
  list(): StoredAgent[] {
    return [...this.cache.values()]
      .map((v) => v.agent)
      .sort((a, b) => a.registered_at.localeCompare(b.registered_at) || a.agent_id.localeCompare(b.agent_id));
  }

  /** Authoritative read (one KV round trip); null when absent or unreadable. */
  async get(agentId: string): Promise<VersionedAgent | null> {
    const entry = await this.kv.get(agentId);
    if (entry === null || entry.operation !== 'PUT') return null;
    const agent = this.decode(entry);
    return agent === null ? null : { agent, revision: entry.revision };
  }

  /** Creates a new agent; KvConflictError when the id exists. */
  async create(agent: StoredAgent): Promise<number> {
    const revision = await this.kv.create(agent.agent_id, encodeJson(agent));
    this.remember(agent, revision);
    return revision;
  }

  /** Replaces an agent if still at `revision`; KvConflictError otherwise. */
  async update(agent: StoredAgent, revision: number): Promise<number> {
    const next = await this.kv.update(agent.agent_id, encodeJson(agent), revision);
    this.remember(agent, next);
    return next;
  }

  /** Deletes an agent if still at `revision`; KvConflictError otherwise. */
  async remove(agentId: string, revision: number): Promise<void> {
    await this.kv.delete(agentId, revision);
    this.forget(agentId, revision + 1);
  }

  private apply(entry: KvEntry): void {
    if (entry.operation !== 'PUT') {
      this.forget(entry.key, entry.revision);
      return;
    }
    const agent = this.decode(entry);
    if (agent !== null) this.remember(agent, entry.revision);
  }

  private remember(agent: StoredAgent, revision: number): void {
    const known = this.cache.get(agent.agent_id)?.revision ?? this.tombstones.get(agent.agent_id) ?? 0;
    if (revision < known) return;
    this.tombstones.delete(agent.agent_id);
    this.cache.set(agent.agent_id, { agent, revision });
  }

  private forget(agentId: string, revision: number): void {
    const current = this.cache.get(agentId);
    if (current !== undefined && current.revision > revision) return;
    this.cache.delete(agentId);
    this.tombstones.set(agentId, Math.max(revision, this.tombstones.get(agentId) ?? 0));
  }

  private decode(entry: KvEntry): StoredAgent | null {
    const agent = decodeJson(StoredAgentSchema, entry.value);
    if (agent === null || agent.agent_id !== entry.key) {
      this.onCorrupt(entry.key);
      return null;
    }
    return agent;
  }
}
