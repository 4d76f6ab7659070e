/**
 * A leader lease in the `<p>_leases` bucket: created when free, renewed by compare-and-set while
 * held, taken over (also by CAS) once its holder let it expire. Expiry is stored in the value so
 * it follows the caller's clock; the bucket TTL only cleans up after dead holders.
 */
import { KvConflictError, type KvStore } from '@arcp/service-kit';
import { z } from 'zod';
import { decodeJson, encodeJson } from '../store/codec';

const LeaseSchema = z.object({ holder: z.string(), expires_at_ms: z.number() });

export class Lease {
  constructor(
    private readonly kv: KvStore,
    private readonly name: string,
    private readonly holder: string,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** True when this instance holds the lease for the next `ttlMs`. */
  async acquire(): Promise<boolean> {
    const value = encodeJson({ holder: this.holder, expires_at_ms: this.now() + this.ttlMs });
    const entry = await this.kv.get(this.name);
    try {
      if (entry === null || entry.operation !== 'PUT') {
        await this.kv.create(this.name, value);
        return true;
      }
      const current = decodeJson(LeaseSchema, entry.value);
      const mine = current?.holder === this.holder;
      const expired = current === null || current.expires_at_ms <= this.now();
      if (!mine && !expired) return false;
      await this.kv.update(this.name, value, entry.revision);
      return true;
    } catch (err) {
      if (err instanceof KvConflictError) return false;
      throw err;
    }
  }

  /** Gives the lease up (on shutdown) so another replica takes over without waiting. */
  async release(): Promise<void> {
    const entry = await this.kv.get(this.name);
    if (entry === null || entry.operation !== 'PUT') return;
    if (decodeJson(LeaseSchema, entry.value)?.holder !== this.holder) return;
    await this.kv.delete(this.name, entry.revision).catch((err: unknown) => {
      if (!(err instanceof KvConflictError)) throw err;
    });
  }
}
