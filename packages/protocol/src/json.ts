/**
 * The one JSON codec for bytes that travel between services: bus events, KV records and stream
 * messages. Decoding validates against a schema and never throws (bad bytes, bad JSON and a bad
 * shape are errors), so one corrupt message can never crash a bus callback.
 */
import type { z } from 'zod';
import { formatIssues, type ParseResult } from './validation';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** JSON bytes of a value. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes and validates; never throws. */
export function decodeJson<S extends z.ZodType>(schema: S, bytes: Uint8Array): ParseResult<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  try {
    const r = schema.safeParse(value);
    return r.success ? { ok: true, value: r.data } : { ok: false, error: formatIssues(r.error) };
  } catch (err) {
    // A schema's own transform threw: still a bad message, never a crash in a bus callback.
    return { ok: false, error: `invalid: ${(err as Error).message}` };
  }
}

/** The decoded value, or undefined when it does not decode. */
export function decodeJsonOr<S extends z.ZodType>(schema: S, bytes: Uint8Array): z.output<S> | undefined {
  const r = decodeJson(schema, bytes);
  return r.ok ? r.value : undefined;
}
