/**
 * Agent key ↔ agent bindings in the `<p>_registry` bucket: one registration key backs at most
 * one live agent. `key.<sha256(key)>` names the agent holding the key and `agentkey.<id>` the
 * key an agent registered with, so a binding is only "in use" while both sides still agree.
 */
import { KvConflictError, type KvStore } from '@arcp/service-kit';

const enc = new TextEncoder();
const dec = new TextDecoder();

const keyOf = (hash: string) => `key.${hash}`;
const agentOf = (agentId: string) => `agentkey.${agentId}`;

/** Answers whether an agent currently counts as live (exists and alive). */
export type LiveCheck = (agentId: string) => Promise<boolean>;

export class KeyBindings {
  constructor(private readonly kv: KvStore) {}

  /** The agent that holds `hash` right now, or null when the key is free. */
  async holder(hash: string, isLive: LiveCheck): Promise<string | null> {
    const entry = await this.kv.get(keyOf(hash));
    if (entry === null || entry.operation !== 'PUT') return null;
    const agentId = dec.decode(entry.value);
    const back = await this.kv.get(agentOf(agentId));
    const agrees = back !== null && back.operation === 'PUT' && dec.decode(back.value) === hash;
    return agrees && (await isLive(agentId)) ? agentId : null;
  }

  /**
   * Binds `hash` to `agentId` unless another live agent holds it; returns that holder instead.
   * Compare-and-set on the key entry, so two concurrent registrations cannot both win.
   */
  async bind(hash: string, agentId: string, isLive: LiveCheck): Promise<string | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.kv.get(keyOf(hash));
      const holder = await this.holder(hash, isLive);
      if (holder !== null && holder !== agentId) return holder;
      try {
        if (current === null || current.operation !== 'PUT') await this.kv.create(keyOf(hash), enc.encode(agentId));
        else await this.kv.update(keyOf(hash), enc.encode(agentId), current.revision);
        await this.kv.put(agentOf(agentId), enc.encode(hash));
        return null;
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
      }
    }
    throw new KvConflictError(this.kv.bucket, keyOf(hash));
  }

  /** Frees the key an agent registered with (on unregistration). */
  async release(agentId: string): Promise<void> {
    const back = await this.kv.get(agentOf(agentId));
    if (back === null || back.operation !== 'PUT') return;
    const hash = dec.decode(back.value);
    await this.kv.delete(agentOf(agentId));
    const entry = await this.kv.get(keyOf(hash));
    if (entry !== null && entry.operation === 'PUT' && dec.decode(entry.value) === agentId) {
      await this.kv.delete(keyOf(hash), entry.revision).catch((err: unknown) => {
        if (!(err instanceof KvConflictError)) throw err;
      });
    }
  }
}
