/**
 * Small helpers for bus tests: text payloads, polling for an eventual condition, and a recorder
 * that captures what a subscription or watch received.
 */
import { type BusMessage, type KvEntry } from '../bus';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const enc = (s: string): Uint8Array => encoder.encode(s);
export const dec = (b: Uint8Array): string => decoder.decode(b);

/** Polls `check` until it returns true; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Records `subject:payload` for every delivered message. */
export function recorder(): { seen: string[]; handler: (m: BusMessage) => void } {
  const seen: string[] = [];
  return { seen, handler: (m) => seen.push(`${m.subject}:${dec(m.data)}`) };
}

/** Records `OP key=value` for every watched entry, plus a marker when the initial set is done. */
export function watchRecorder(): { seen: string[]; onEntry: (e: KvEntry) => void; onInitialDone: () => void } {
  const seen: string[] = [];
  return {
    seen,
    onEntry: (e) => seen.push(`${e.operation} ${e.key}=${dec(e.value)}`),
    onInitialDone: () => seen.push('<initial done>'),
  };
}

/** A token unique to this process run, so names never collide with a previous run's leftovers. */
export function runToken(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
