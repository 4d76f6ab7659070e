/**
 * Whether the NATS engine can take an operation now. While the connection is being
 * re-established, operations fail at once (BusUnavailableError) when the server was a single
 * one: NATS as a whole is down, and may stay down for minutes. When it was a node of a cluster
 * the client moves to another node within milliseconds, so an operation waits for that
 * (failover), up to its bound, and fails only if the whole cluster stays out of reach.
 */
import { BusUnavailableError } from './errors';

export type Availability = 'online' | 'failover' | 'offline';

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
