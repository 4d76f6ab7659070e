/**
 * Test doubles for channel handlers and engine users: a fake connection that records what the
 * handler sent (with each frame's binary flag and metric label) and how it closed the socket, and a logger that keeps its lines.
 */
import type { Connection, SendStatus } from './connection';
import type { LoggerLike } from '@arcp/service-kit';

export interface FakeConnection extends Connection {
  /** Every frame sent, in order, text frames as strings. */
  readonly sent: Array<string | Buffer>;
  /** How each frame in `sent` was sent: binary or text, and the metric `type` label it carried. */
  readonly sends: Array<{ readonly isBinary: boolean; readonly type: string | undefined }>;
  /** Text frames (strings, or buffers sent as text) parsed as JSON; non-JSON text and binary frames are skipped. */
  json(): unknown[];
  readonly closed: { code: number; reason: string } | undefined;
  readonly topics: Set<string>;
  /** Makes the next sends report this status (simulates a slow consumer). */
  nextStatus: SendStatus;
}

let nextId = 0;

export function createFakeConnection(channel = 'test', remoteAddress = '127.0.0.1'): FakeConnection {
  const sent: Array<string | Buffer> = [];
  const sends: FakeConnection['sends'] = [];
  const binary = new WeakSet<Buffer>();
  const topics = new Set<string>();
  let closed: { code: number; reason: string } | undefined;
  const conn: FakeConnection = {
    id: `fake-${++nextId}`,
    channel,
    remoteAddress,
    state: {},
    principal: undefined,
    sent,
    sends,
    topics,
    nextStatus: 'ok',
    get closed() {
      return closed;
    },
    get isOpen() {
      return closed === undefined;
    },
    send(data, isBinary = false, type) {
      if (closed) return 'closed';
      if (isBinary && typeof data !== 'string') binary.add(data);
      if (conn.nextStatus !== 'dropped') {
        sent.push(data);
        sends.push({ isBinary, type });
      }
      return conn.nextStatus;
    },
    close(code, reason = '') {
      if (!closed) closed = { code, reason };
    },
    subscribe(topic) {
      topics.add(topic);
    },
    unsubscribe(topic) {
      topics.delete(topic);
    },
    bufferedAmount() {
      return 0;
    },
    json() {
      return sent.flatMap((f) => {
        try {
          if (typeof f !== 'string' && binary.has(f)) return [];
          return [JSON.parse(typeof f === 'string' ? f : f.toString('utf8')) as unknown];
        } catch {
          return [];
        }
      });
    },
  };
  return conn;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** A logger keeping every line in `lines`. */
export function createRecordingLogger(): LoggerLike & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
