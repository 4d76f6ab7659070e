/**
 * The inbound frame pipeline of one socket: rate limit, binary frames, the auth gate, ping/pong,
 * then the channel's handler. Every step is cheap before JSON is parsed, so a flooding socket
 * costs little and cannot starve the others; handler failures are logged, never fatal.
 */
import { CloseCodes, CloseReasons, epochSeconds } from '@arcp/protocol';
import type { EndpointDefinition } from './endpoint';
import { guard, type InboundContext } from './context';
import type { UwsConnection } from './uws-connection';
import { authenticate } from './auth-step';

/** Frames held while the auth step runs; more are dropped (a client waits for the auth reply). */
export const MAX_HELD_FRAMES = 16;
/** Frames at most this long are checked for ping/pong; longer ones never are. */
const PING_SCAN_LIMIT = 64;

export const RATE_LIMIT_FRAME = JSON.stringify({ type: 'error', message: 'Rate limit exceeded, slow down' });
export const BINARY_FRAME = JSON.stringify({ type: 'error', message: 'Binary frames are not supported' });
/** RFC 6455 1003: the endpoint cannot accept this data type. */
export const UNSUPPORTED_DATA = 1003;

/** Entry point for every client frame; `data` is only valid during this call. */
export function onFrame(ctx: InboundContext, conn: UwsConnection, data: ArrayBuffer, isBinary: boolean): void {
  const channel = ctx.def.name;
  ctx.cells.receivedBytes.add(data.byteLength);
  conn.touch();
  if (data.byteLength > ctx.def.limits.maxPayloadBytes) {
    ctx.metrics.drops.inc({ channel, reason: 'payload' });
    conn.close(CloseCodes.MESSAGE_TOO_BIG, CloseReasons[CloseCodes.MESSAGE_TOO_BIG]);
    return;
  }
  if (!admit(ctx, conn)) return;
  if (isBinary) return onBinaryFrame(ctx, conn);
  const text = Buffer.from(data).toString('utf8');
  if (conn.phase === 'awaiting') {
    ctx.cells.received('auth').add();
    void authenticate(ctx, conn, text, dispatch);
  } else if (conn.phase === 'verifying') {
    if (!conn.hold(text, MAX_HELD_FRAMES)) ctx.metrics.drops.inc({ channel, reason: 'rate_limit' });
  } else {
    dispatch(ctx, conn, text);
  }
}

/** Token bucket: the first frame over the limit gets a warning frame, the next one a 4008 close. */
function admit(ctx: InboundContext, conn: UwsConnection): boolean {
  if (conn.bucket.take()) {
    conn.rateWarned = false;
    return true;
  }
  ctx.metrics.drops.inc({ channel: ctx.def.name, reason: 'rate_limit' });
  if (!conn.rateWarned) {
    conn.rateWarned = true;
    conn.send(RATE_LIMIT_FRAME, false, 'error');
  } else {
    conn.close(CloseCodes.RATE_LIMITED, CloseReasons[CloseCodes.RATE_LIMITED]);
  }
  return false;
}

function onBinaryFrame(ctx: InboundContext, conn: UwsConnection): void {
  ctx.cells.received('binary').add();
  if (ctx.def.onBinary) {
    guard(ctx, conn, () => ctx.def.onBinary!(conn));
    return;
  }
  ctx.metrics.drops.inc({ channel: ctx.def.name, reason: 'bad_frame' });
  conn.send(BINARY_FRAME, false, 'error');
  conn.close(UNSUPPORTED_DATA, 'Binary frames are not supported');
}

/** An authenticated text frame: keep-alives answered here, everything else to the channel. */
export function dispatch(ctx: InboundContext, conn: UwsConnection, text: string): void {
  const ping = text.length <= PING_SCAN_LIMIT ? classifyPing(ctx.def, text) : undefined;
  if (ping === 'text-ping') {
    ctx.cells.received('ping').add();
    conn.send('pong', false, 'pong');
  } else if (ping === 'json-ping') {
    ctx.cells.received('ping').add();
    conn.send(`{"type":"pong","timestamp":${epochSeconds()}}`, false, 'pong');
  } else if (ping === 'pong') {
    ctx.cells.received('pong').add();
  } else {
    ctx.cells.received('message').add();
    guard(ctx, conn, () => ctx.def.onMessage(conn, text));
  }
}

type PingKind = 'text-ping' | 'json-ping' | 'pong' | undefined;

/** Recognises the keep-alive frames the channel opted into. */
export function classifyPing(def: Pick<EndpointDefinition, 'textPing' | 'jsonPing'>, text: string): PingKind {
  if (def.textPing !== 'none') {
    const word = def.textPing === 'exact' ? text : text.trim().toLowerCase();
    if (word === 'ping') return 'text-ping';
    if (word === 'pong') return 'pong';
  }
  if (def.jsonPing === false || !text.includes('"type"') || !/\bp[io]ng\b/.test(text)) return undefined;
  try {
    const frame = JSON.parse(text) as unknown;
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return undefined;
    const type = (frame as { type?: unknown }).type;
    if (type === 'ping') return 'json-ping';
    if (type === 'pong') return 'pong';
  } catch {
    // Not JSON: the channel answers it.
  }
  return undefined;
}
