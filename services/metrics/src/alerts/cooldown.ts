/**
 * Alert de-duplication: an alert fires at most once per cooldown for its key (rule type and
 * severity), critical 300 s, warning 900 s, info 3600 s (the reference's figures). The table is
 * the producer's; a new leader seeds it from the persisted alerts so a failover does not re-fire.
 */
import { type AlertSeverity } from '@arcp/protocol';

export const COOLDOWN_MS: Record<AlertSeverity, number> = {
  critical: 300_000,
  warning: 900_000,
  info: 3_600_000,
};

const keyOf = (a: { type: string; severity: string }): string => `${a.type}:${a.severity}`;

export class AlertCooldowns {
  private readonly firedAt = new Map<string, number>();

  /** Alerts whose key is out of cooldown at `nowMs`; those are recorded as fired now. */
  admit<A extends { type: string; severity: AlertSeverity }>(alerts: readonly A[], nowMs: number): A[] {
    const admitted: A[] = [];
    for (const alert of alerts) {
      const key = keyOf(alert);
      const last = this.firedAt.get(key);
      if (last !== undefined && nowMs - last < COOLDOWN_MS[alert.severity]) continue;
      this.firedAt.set(key, nowMs);
      admitted.push(alert);
    }
    return admitted;
  }

  /** Remembers an alert fired earlier (by this or a previous producer). */
  seed(type: string, severity: string, atMs: number): void {
    const key = keyOf({ type, severity });
    if (atMs > (this.firedAt.get(key) ?? -Infinity)) this.firedAt.set(key, atMs);
  }
}
