/**
 * Persisted dashboard alerts in a bounded stream: the producer's fired alerts and the ones a
 * dashboard sends, stored in the hydrated shape the connect burst replays
 * (`{id, title, message, severity, type, timestamp}`).
 */
import { randomBytes } from 'node:crypto';
import { HydratedAlertSchema, decodeJsonOr, encodeJson, type HydratedAlert } from '@arcp/protocol';
import { type StreamStore } from '@arcp/service-kit';

/** The reference's id form, `<epoch_ms>:<6 hex>`: sortable, and unique enough per alert. */
export function alertId(nowMs: number): string {
  return `${Math.floor(nowMs)}:${randomBytes(3).toString('hex')}`;
}

export class AlertStore {
  constructor(
    private readonly stream: StreamStore,
    private readonly subject: string,
  ) {}

  append(alert: HydratedAlert): Promise<number> {
    return this.stream.append(this.subject, encodeJson(alert));
  }

  /** The newest `limit` alerts, newest first. */
  async recent(limit: number): Promise<HydratedAlert[]> {
    const messages = await this.stream.last(limit);
    const out: HydratedAlert[] = [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const alert = parse(messages[i]!.data);
      if (alert) out.push(alert);
    }
    return out;
  }

  purge(): Promise<void> {
    return this.stream.purge();
  }
}

/** An unreadable record is skipped, never fatal to the dashboard. */
function parse(data: Uint8Array): HydratedAlert | null {
  return decodeJsonOr(HydratedAlertSchema, data) ?? null;
}
