/**
 * Agent key ↔ agent bindings in the `<p>_registry` bucket: one registration key backs at most
 * one live agent. `key.<sha256(key)>` names the agent holding the key (empty once released) and `agentkey.<id>` the
 * key an agent registered with, so a binding is only "in use" while both sides still agree.
 */
import { KvConflictError, type KvStore } from '@arcp/service-kit';

const enc = new TextEncoder();
const dec = new TextDecoder();
const EMPTY = new Uint8Array(0);

const keyOf = (hash: string) => `key.${hash}`;
const agentOf = (agentId: string) => `agentkey.${agentId}`;

/** Answers whether an agent currently counts as live (exists and alive). */
export type LiveCheck = (agentId: string) => Promise<boolean>;

/** A key entry as this process last wrote it: the agent named (empty: free) at a revision. */
interface KnownEntry {
  readonly holder: string;
  readonly revision: number;
}

export class KeyBindings {
  /**
   * The last entry this process wrote per key (bounded by the configured agent keys): a claim of a
   * key this replica freed or bound last is one compare-and-set, and falls back to reading the
   * entry when another replica has written it since.
   */
  private readonly written = new Map<string, KnownEntry>();

  constructor(private readonly kv: KvStore) {}

  /**
   * Claims `hash` for `agentId` unless another live agent holds it; returns that holder instead.
   * Compare-and-set on the key entry, so two concurrent registrations cannot both win. A free key
   * (never bound, or released: an empty value) is claimed in two round trips, or one when this
   * process wrote it last; the caller then records the agent's side with `link`.
   */
  async claim(hash: string, agentId: string, isLive: LiveCheck): Promise<string | null> {
    const known = this.written.get(hash);
    if (known !== undefined && (known.holder === '' || known.holder === agentId) && (await this.write(hash, agentId, known.revision)))
      return null;
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.kv.get(keyOf(hash));
      const holder = current === null ? '' : dec.decode(current.value);
      if (holder !== '' && holder !== agentId && (await this.holds(holder, hash, isLive))) return holder;
      // Revision 0: create(), which also reclaims a key whose last operation was a delete (how
      // older releases freed it).
      if (await this.write(hash, agentId, current === null ? 0 : current.revision)) return null;
    }
    throw new KvConflictError(this.kv.bucket, keyOf(hash));
  }

  /** Compare-and-set of the key entry to `holder`; false when the entry moved since `revision`. */
  private async write(hash: string, holder: string, revision: number): Promise<boolean> {
    const value = holder === '' ? EMPTY : enc.encode(holder);
    try {
      const next = revision === 0 ? await this.kv.create(keyOf(hash), value) : await this.kv.update(keyOf(hash), value, revision);
      this.written.set(hash, { holder, revision: next });
      return true;
    } catch (err) {
      if (!(err instanceof KvConflictError)) throw err;
      this.written.delete(hash);
      return false;
    }
  }

  /** Records which key `agentId` registered with: the other side of a claim. */
  async link(agentId: string, hash: string): Promise<void> {
    await this.kv.put(agentOf(agentId), enc.encode(hash));
  }

  /** A binding counts while both sides agree and the agent is live (both read at once). */
  private async holds(agentId: string, hash: string, isLive: LiveCheck): Promise<boolean> {
    const [back, live] = await Promise.all([this.kv.get(agentOf(agentId)), isLive(agentId)]);
    return live && back !== null && dec.decode(back.value) === hash;
  }

  /**
   * Frees the key an agent registered with (on unregistration). The key entry is emptied rather
   * than deleted, so the next claim replaces it at its revision in one write.
   */
  async release(agentId: string): Promise<void> {
    const back = await this.kv.get(agentOf(agentId));
    if (back === null) return;
    const hash = dec.decode(back.value);
    await this.kv.delete(agentOf(agentId));
    const entry = await this.kv.get(keyOf(hash));
    if (entry !== null && dec.decode(entry.value) === agentId) await this.write(hash, '', entry.revision);
  }
}
