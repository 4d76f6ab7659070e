/**
 * Whether the NATS engine can take an operation now. While the connection is being
 * re-established, operations fail at once (BusUnavailableError) when the server was a single
 * one: NATS as a whole is down, and may stay down for minutes. When it was a node of a cluster
 * the client moves to another node within milliseconds, so an operation waits for that
 * (failover), up to its bound, and fails only if the whole cluster stays out of reach.
 */
import { type BusStatus } from './bus';
import { BusUnavailableError } from './errors';

export type Availability = 'online' | 'failover' | 'offline';

/**
 * The state of one NATS connection as its status events tell it, and whether the server it was
 * last connected to is a node of a cluster. That is remembered, not read live from the
 * connection: nats.js forgets the server's INFO at the start of every dial, so while it dials the
 * next node of a cluster its `info` says nothing of a cluster, and a write made in that moment
 * (just after a node died) would fail instead of waiting for the failover (seen in CI).
 */
export class ConnectionState {
  private current: BusStatus = 'connected';
  private clustered: boolean;

  constructor(private readonly serverInfo: () => { cluster?: string } | undefined) {
    this.clustered = !!serverInfo()?.cluster;
  }

  get status(): BusStatus {
    return this.current;
  }

  /** Whether the server last connected to is a node of a cluster. */
  get isClustered(): boolean {
    return this.clustered;
  }

  /** Takes one nats.js status event; says whether it lost or regained the connection. */
  observe(type: string): 'lost' | 'regained' | undefined {
    if (type === 'disconnect' || type === 'reconnecting') {
      if (this.current !== 'closed') this.current = 'reconnecting';
      return type === 'disconnect' ? 'lost' : undefined;
    }
    if (type !== 'reconnect') return undefined;
    this.clustered = !!this.serverInfo()?.cluster;
    if (this.current !== 'closed') this.current = 'connected';
    return 'regained';
  }

  close(): void {
    this.current = 'closed';
  }

  availability(): Availability {
    if (this.current === 'connected') return 'online';
    return this.current === 'reconnecting' && this.clustered ? 'failover' : 'offline';
  }
}

const POLL_MS = 50;

/** Resolves once the bus is online; rejects with BusUnavailableError when offline or past `deadline`. */
export async function whenAvailable(availability: () => Availability, deadline: number): Promise<void> {
  for (;;) {
    const now = availability();
    if (now === 'online') return;
    if (now === 'offline' || Date.now() + POLL_MS > deadline) throw new BusUnavailableError();
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
