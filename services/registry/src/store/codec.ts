/** JSON ↔ bytes for KV values; decoding never throws (a corrupt record is skipped, not fatal). */
import { type z } from 'zod';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses and validates; null for empty, non-JSON or invalid values. */
export function decodeJson<S extends z.ZodType>(schema: S, bytes: Uint8Array): z.output<S> | null {
  if (bytes.length === 0) return null;
  try {
    const result = schema.safeParse(JSON.parse(decoder.decode(bytes)));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
