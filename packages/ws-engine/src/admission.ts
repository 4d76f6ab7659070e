/**
 * Who may open a socket on an endpoint, so that anonymous clients never crowd out signed-in ones:
 *   - only authenticated sockets count against `maxConnections` (an endpoint without auth
 *     counts every socket as authenticated at open);
 *   - sockets still waiting for their first message have their own, small budget (`maxPending`)
 *     and a short deadline (the auth step's), so a crowd of silent sockets can hold only that;
 *   - one client address may hold at most `maxPerAddress` pending sockets (endpoints with auth)
 *     or open sockets (endpoints without), so one client cannot take a whole budget.
 * The caller passes the client address as it trusts it (X-Forwarded-For behind a trusted edge).
 */

/** Why an upgrade or an authentication was refused (the `reason` label of the refusal metric). */
export type RefusalReason = 'draining' | 'cap' | 'pending' | 'per_address';

export interface AdmissionLimits {
  maxConnections: number;
  /** Sockets not yet authenticated (endpoints with auth). */
  maxPending: number;
  maxPerAddress: number;
}

export interface Admission {
  /** Whether a new socket from `address` may be opened now; the reason when not. */
  check(address: string): RefusalReason | undefined;
  /** A socket opened (after `check` let it through). */
  opened(address: string): void;
  /** A pending socket authenticated: false when the authenticated cap is reached (refuse it). */
  authenticated(address: string): boolean;
  /** A socket closed, `authenticated` telling which budget it was in. */
  closed(address: string, authenticated: boolean): void;
  readonly counts: { readonly authenticated: number; readonly pending: number };
}

export function createAdmission(limits: AdmissionLimits, withAuth: boolean): Admission {
  let authenticatedCount = 0;
  let pendingCount = 0;
  /** Per address: pending sockets (with auth) or open sockets (without). Entries at zero are removed. */
  const byAddress = new Map<string, number>();
  const add = (address: string, delta: number) => {
    const next = (byAddress.get(address) ?? 0) + delta;
    if (next > 0) byAddress.set(address, next);
    else byAddress.delete(address);
  };
  return {
    check(address) {
      if (authenticatedCount >= limits.maxConnections) return 'cap';
      if (withAuth && pendingCount >= limits.maxPending) return 'pending';
      if ((byAddress.get(address) ?? 0) >= limits.maxPerAddress) return 'per_address';
      return undefined;
    },
    opened(address) {
      add(address, 1);
      if (withAuth) pendingCount++;
      else authenticatedCount++;
    },
    authenticated(address) {
      if (authenticatedCount >= limits.maxConnections) return false;
      pendingCount--;
      add(address, -1);
      authenticatedCount++;
      return true;
    },
    closed(address, authenticated) {
      if (!withAuth) {
        authenticatedCount--;
        add(address, -1);
      } else if (authenticated) {
        authenticatedCount--;
      } else {
        pendingCount--;
        add(address, -1);
      }
    },
    counts: {
      get authenticated() {
        return authenticatedCount;
      },
      get pending() {
        return pendingCount;
      },
    },
  };
}
