/**
 * WebSocket gateway metrics. Created once per registry and shared by every channel on it (the
 * standalone process mounts three); series differ by the `channel` label. What moves for every
 * socket or frame is tallied (service-kit `tally.ts`): each endpoint holds its channel's cells.
 */
import { perRegistry, TallyCounter, TallyGauge, type LevelCell, type TallyCell } from '@arcp/service-kit';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** `skipped`: a published frame uWS did not queue for a socket over its send-buffer limit. */
export type DropReason = 'backpressure' | 'skipped' | 'rate_limit' | 'payload' | 'cap' | 'bad_frame' | 'overload';

export interface SocketMetrics {
  /** Authenticated sockets (every socket of an endpoint without auth). */
  connections: TallyGauge<'channel'>;
  /** Sockets waiting for their first message. */
  pending: TallyGauge<'channel'>;
  backlogged: Gauge<'channel'>;
  opened: TallyCounter<'channel'>;
  closed: TallyCounter<'channel' | 'code'>;
  received: TallyCounter<'channel' | 'type'>;
  sent: TallyCounter<'channel' | 'type'>;
  receivedBytes: TallyCounter<'channel'>;
  sentBytes: TallyCounter<'channel'>;
  authFailures: Counter<'channel' | 'reason'>;
  drops: Counter<'channel' | 'reason'>;
  fanout: Histogram<'channel'>;
  rejected: Counter<'channel' | 'reason'>;
  /** Client frames a channel rejected after auth (invalid JSON, not an object, unknown type...). */
  badFrames: Counter<'channel' | 'reason'>;
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function tally<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): TallyCounter<L> {
  return new TallyCounter({ name, help, labelNames, registry });
}

function create(registry: Registry): SocketMetrics {
  return {
    connections: new TallyGauge({
      name: 'arcp_gateway_connections',
      help: 'Authenticated WebSocket connections (all of a channel without auth)',
      labelNames: ['channel'],
      registry,
    }),
    pending: new TallyGauge({
      name: 'arcp_gateway_pending_connections',
      help: 'WebSocket connections waiting for their first (auth) message',
      labelNames: ['channel'],
      registry,
    }),
    backlogged: new Gauge({
      name: 'arcp_gateway_backlogged_connections',
      help: 'Sockets over the send buffer limit at the last slow-consumer check (in their grace period)',
      labelNames: ['channel'],
      registers: [registry],
    }),
    opened: tally(registry, 'arcp_gateway_connections_opened_total', 'WebSocket connections opened', ['channel']),
    closed: tally(registry, 'arcp_gateway_connections_closed_total', 'WebSocket connections closed, by close code', ['channel', 'code']),
    received: tally(registry, 'arcp_gateway_messages_received_total', 'Client frames received', ['channel', 'type']),
    sent: tally(registry, 'arcp_gateway_messages_sent_total', 'Frames sent (fan-out counts each subscriber)', ['channel', 'type']),
    receivedBytes: tally(registry, 'arcp_gateway_received_bytes_total', 'Client frame payload bytes received', ['channel']),
    sentBytes: tally(registry, 'arcp_gateway_sent_bytes_total', 'Frame payload bytes sent', ['channel']),
    authFailures: counter(registry, 'arcp_gateway_auth_failures_total', 'Failed first-message authentications', ['channel', 'reason']),
    drops: counter(registry, 'arcp_gateway_drops_total', 'Frames or sockets dropped by a limit', ['channel', 'reason']),
    fanout: new Histogram({
      name: 'arcp_gateway_fanout_duration_seconds',
      help: 'Time from handing a broadcast frame over to publishing it to the last shard of its subscribers (waiting turns included)',
      labelNames: ['channel'],
      buckets: [0.00001, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    rejected: counter(
      registry,
      'arcp_gateway_connections_rejected_total',
      'Sockets refused: cap, pending (unauthenticated budget), per_address, draining',
      ['channel', 'reason'],
    ),
    badFrames: counter(registry, 'arcp_gateway_bad_frames_total', 'Client frames rejected by the channel after auth, by reason', [
      'channel',
      'reason',
    ]),
  };
}

/** The socket series of a registry, shared by every endpoint mounted on it. */
export const socketMetrics = perRegistry(create);

/** One channel's cells of the per-socket and per-frame series, held by its endpoint. */
export interface ChannelCells {
  readonly opened: TallyCell;
  readonly receivedBytes: TallyCell;
  readonly sentBytes: TallyCell;
  readonly connections: LevelCell;
  readonly pending: LevelCell;
  sent(type: string): TallyCell;
  received(type: string): TallyCell;
  closed(code: number): TallyCell;
}

export function channelCells(metrics: SocketMetrics, channel: string): ChannelCells {
  const byLabel = (find: (label: string) => TallyCell) => {
    const cells = new Map<string, TallyCell>();
    return (label: string) => {
      let cell = cells.get(label);
      if (cell === undefined) {
        cell = find(label);
        cells.set(label, cell);
      }
      return cell;
    };
  };
  const sent = byLabel((type) => metrics.sent.cell({ channel, type }));
  const received = byLabel((type) => metrics.received.cell({ channel, type }));
  const closed = byLabel((code) => metrics.closed.cell({ channel, code }));
  return {
    opened: metrics.opened.cell({ channel }),
    receivedBytes: metrics.receivedBytes.cell({ channel }),
    sentBytes: metrics.sentBytes.cell({ channel }),
    connections: metrics.connections.cell({ channel }),
    pending: metrics.pending.cell({ channel }),
    sent,
    received,
    closed: (code) => closed(closeCodeLabel(code)),
  };
}

/** Close codes kept as label values; anything else a client sends becomes `other`. */
const KNOWN_CODES = new Set([
  1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011, 1012, 1013, 4000, 4001, 4003, 4008, 4009, 4200, 4201, 4202,
]);

export function closeCodeLabel(code: number): string {
  return KNOWN_CODES.has(code) ? String(code) : 'other';
}

/** Bounded label for an auth failure reason text (`Invalid token` → `invalid_token`). */
export function reasonLabel(reason: string): string {
  return (
    reason
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .slice(0, 40) || 'unknown'
  );
}
