/**
 * The one way to keep a local copy of a KV bucket: watch every key, deliver the current content
 * first and resolve once it is loaded, then follow live changes. Readers of the agent directory,
 * the revocation list and every other "KV watch into a map" go through here.
 */
import type { KvEntry, KvStore, KvWatch } from './bus';

/** Watches every key of `kv`; resolves once the bucket's current content has been delivered. */
export async function followKv(kv: KvStore, onEntry: (entry: KvEntry) => void): Promise<KvWatch> {
  let loaded!: () => void;
  const initial = new Promise<void>((resolve) => (loaded = resolve));
  const watch = await kv.watch({ initial: true, onInitialDone: () => loaded() }, onEntry);
  await initial;
  return watch;
}
