/**
 * Serialize once, publish many: a broadcast frame becomes bytes exactly once per gateway and the
 * same Buffer is handed to every socket (uWS `publish`). Outbound frames are never parsed with
 * zod; they are built by the typed functions of `builders.ts` and encoded here.
 */

/** JSON bytes of one outbound frame (an object, or the agent channel's bare list). */
export function encodeFrame(frame: object | readonly unknown[]): Buffer {
  return Buffer.from(JSON.stringify(frame), 'utf8');
}

/** Bytes of a plain text frame (`ping`, `pong`). */
export function textFrame(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** The text keep-alives, shared because every idle socket receives them. */
export const PING_TEXT = 'ping';
export const PONG_TEXT = 'pong';
