/**
 * The periodic producer: every DASHBOARD_WS_INTERVAL the leader publishes `monitoring` and
 * `health`, a `logs` frame with only the entries stored since its previous round, and an `alert`
 * frame when new alerts fire. Frames are encoded once here; gateways forward the bytes. The
 * `agents` frame is not among them: each dashboard gateway builds it from its own copy of the
 * directory (it grows with the directory, past what one bus message may carry).
 */
import { isoUtc, type DashboardFrameTopic, type Subjects } from '@arcp/protocol';
import { type Bus, type Logger } from '@arcp/service-kit';
import { type Alerting } from './alerts/alerting';
import { type ClusterView } from './frames/view';
import { LOG_FRAME_BYTES, type LogStore } from './stores/log-store';
import { encodeDashboardFrame, frame, type FrameData } from './wire';

export interface ProducerDeps {
  bus: Bus;
  subjects: Subjects;
  logs: LogStore;
  alerting: Alerting;
  logger: Logger;
  /** Largest number of log entries in one periodic frame. */
  logWindow: number;
  onPublished?: (type: DashboardFrameTopic) => void;
}

export class Producer {
  /** Sequence of the last log entry already sent in a periodic frame. */
  private cursor = 0;

  constructor(private readonly deps: ProducerDeps) {}

  logCursor(): number {
    return this.cursor;
  }

  /**
   * Called when this replica becomes the producer: continue from the previous producer's
   * cursor, or from the newest entry (dashboards got everything older in their first frame).
   */
  async takeOver(previousCursor: unknown): Promise<void> {
    const newest = await this.deps.logs.lastSeq();
    this.cursor = typeof previousCursor === 'number' && previousCursor <= newest ? previousCursor : newest;
    await this.deps.alerting.seed();
  }

  async round(view: ClusterView): Promise<void> {
    const ts = isoUtc(view.nowMs);
    this.publish('monitoring', view.monitoring, ts);
    this.publish('health', view.health, ts);
    const fresh = await this.deps.logs.since(this.cursor, this.deps.logWindow, LOG_FRAME_BYTES);
    this.cursor = fresh.cursor;
    if (fresh.entries.length > 0) {
      this.publish('logs', { logs: fresh.entries, count: fresh.entries.length, last_updated: ts }, ts);
    }
    const alerts = await this.deps.alerting.fire(view);
    if (alerts.length > 0) this.publish('alert', { alerts }, ts);
  }

  /** Sends a frame to every dashboard (used by commands too, e.g. a dashboard's own log line). */
  publish<K extends DashboardFrameTopic>(type: K, data: FrameData[K], ts: string): void {
    this.deps.bus.publish(this.deps.subjects.dashboardFrame(type), encodeDashboardFrame(frame(type, data, ts)));
    this.deps.onPublished?.(type);
  }
}
