/**
 * The agent directory as this service reads it: a KV watch of the agents bucket kept in a map
 * (initial values first, then live changes). Records that do not parse are skipped and logged,
 * so one bad record never breaks every frame (reference §9.16).
 */
import { StoredAgentSchema, type StoredAgent } from '@arcp/protocol';
import { type Bus, type KvEntry, type KvWatch, type Logger } from '@arcp/service-kit';

const decoder = new TextDecoder();

export class AgentsSource {
  private readonly agents = new Map<string, StoredAgent>();
  private watch: KvWatch | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly bucket: string,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the current contents are loaded. */
  async start(): Promise<void> {
    const kv = await this.bus.kv(this.bucket);
    let loaded!: () => void;
    const initial = new Promise<void>((resolve) => (loaded = resolve));
    this.watch = await kv.watch({ initial: true, onInitialDone: () => loaded() }, (e) => this.apply(e));
    await initial;
  }

  all(): Iterable<StoredAgent> {
    return this.agents.values();
  }

  stop(): void {
    this.watch?.stop();
    this.watch = undefined;
  }

  private apply(entry: KvEntry): void {
    if (entry.operation !== 'PUT') {
      this.agents.delete(entry.key);
      return;
    }
    try {
      const r = StoredAgentSchema.safeParse(JSON.parse(decoder.decode(entry.value)));
      if (r.success) {
        this.agents.set(entry.key, r.data);
        return;
      }
      this.logger.warn({ key: entry.key, issues: r.error.issues.length }, 'skipping an unreadable agent record');
    } catch {
      this.logger.warn({ key: entry.key }, 'skipping an agent record that is not JSON');
    }
    this.agents.delete(entry.key);
  }
}
