/**
 * Closing sockets when their credential expires. Tokens issued in the same second expire at the
 * same instant, so sockets are grouped by it: one timer per instant however many sockets share
 * it, instead of a Node timer per socket (each with a timer list of its own, since the delays of
 * two sockets differ by the milliseconds between their auth steps). A group lives in the
 * socket's `deadline` slot, so a close takes the socket out of it without a field of its own.
 */

/** setTimeout's largest delay; a later expiry is reached in several steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The sockets whose credential expires at `atMs`. */
export class ExpiryGroup<C> {
  readonly members = new Set<C>();
  timer: NodeJS.Timeout | undefined;
  constructor(
    readonly atMs: number,
    private readonly release: (group: ExpiryGroup<C>) => void,
  ) {}

  /** Takes a socket that closed out of the group; the last one out clears the group's timer. */
  leave(conn: C): void {
    if (this.members.delete(conn) && this.members.size === 0) this.release(this);
  }
}

export interface ExpiryClock<C> {
  /** Closes `conn` (through `expire`) at `atMs`, at once when that has passed; returns its group. */
  add(conn: C, atMs: number): ExpiryGroup<C> | undefined;
  /** Groups waiting (tests). */
  size(): number;
  /** Clears every timer. */
  stop(): void;
}

export function createExpiryClock<C>(expire: (conn: C) => void, now: () => number = Date.now): ExpiryClock<C> {
  const groups = new Map<number, ExpiryGroup<C>>();

  const arm = (group: ExpiryGroup<C>) => {
    const left = group.atMs - now();
    group.timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(group) : fire(group)), Math.min(Math.max(left, 0), MAX_TIMER_MS));
    group.timer.unref();
  };

  const release = (group: ExpiryGroup<C>) => {
    if (groups.get(group.atMs) !== group) return;
    clearTimeout(group.timer);
    groups.delete(group.atMs);
  };

  const fire = (group: ExpiryGroup<C>) => {
    groups.delete(group.atMs);
    group.timer = undefined;
    const members = [...group.members];
    group.members.clear();
    for (const conn of members) expire(conn);
  };

  return {
    add(conn, atMs) {
      if (atMs <= now()) {
        expire(conn);
        return undefined;
      }
      let group = groups.get(atMs);
      if (group === undefined) {
        group = new ExpiryGroup<C>(atMs, release);
        groups.set(atMs, group);
        arm(group);
      }
      group.members.add(conn);
      return group;
    },
    size: () => groups.size,
    stop() {
      for (const group of groups.values()) clearTimeout(group.timer);
      groups.clear();
    },
  };
}
