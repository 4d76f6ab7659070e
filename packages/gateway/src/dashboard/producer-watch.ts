/**
 * Dashboards are never silently dark. The gateway keeps the last frame of each type the metrics
 * service published; when the periodic frames stop for three intervals it tells every dashboard
 * with an `alert` frame (what is missing and since when the data shown is fresh), a dashboard
 * that connects meanwhile gets the last frames and that alert, and when frames flow again every
 * dashboard is told so, without reconnecting.
 */
import { dashboardFrame, encodeFrame, isoUtc, type DashboardFrameTopic, type HydratedAlert } from '@arcp/protocol';

/** Intervals without a `monitoring` frame after which the producer counts as gone. */
export const MISSED_INTERVALS = 3;

/** Frame types a dashboard is given, in burst order, when the snapshot cannot be had (agents is always current). */
const SNAPSHOT_TYPES: readonly DashboardFrameTopic[] = ['monitoring', 'health', 'agents', 'logs', 'alert'];

export interface ProducerWatchOptions {
  /** DASHBOARD_WS_INTERVAL in milliseconds: the producer's period. */
  intervalMs: number;
  /** Sends already-encoded bytes to every dashboard (paused or not). */
  broadcast(bytes: Buffer): void;
  now?: () => number;
}

export interface ProducerWatch {
  /** A frame arrived from the metrics service. */
  seen(type: DashboardFrameTopic, bytes: Uint8Array): void;
  /**
   * The frames to give a dashboard whose snapshot the metrics service could not answer
   * (`reason`): the last frames, the gateway's own current `agents` frame in its place, and an
   * alert saying the rest is not fresh.
   */
  fallbackBurst(reason: string, agents: Uint8Array | undefined): Uint8Array[];
  /** True while the producer counts as gone. */
  readonly dark: boolean;
  start(): void;
  stop(): void;
}

function alert(type: string, title: string, message: string, severity: HydratedAlert['severity'], at: number): Buffer {
  const entry: HydratedAlert = { id: `gateway-${type}`, title, message, severity, type, timestamp: isoUtc(at) };
  return encodeFrame(dashboardFrame('alert', { alerts: [entry] }, isoUtc(at)));
}

export function createProducerWatch(opts: ProducerWatchOptions): ProducerWatch {
  const now = opts.now ?? Date.now;
  const last = new Map<DashboardFrameTopic, Uint8Array>();
  let lastFreshAt = now();
  let everSeen = false;
  let darkSince: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const outage = (at: number): Buffer => {
    const since = everSeen
      ? `since ${isoUtc(lastFreshAt)}; the figures shown are from then`
      : `since this gateway started at ${isoUtc(lastFreshAt)}`;
    return alert(
      'dashboard_data_unavailable',
      'Dashboard data unavailable',
      `The metrics service has sent no dashboard data ${since}.`,
      'critical',
      at,
    );
  };

  const check = () => {
    const t = now();
    if (darkSince !== undefined || t - lastFreshAt < MISSED_INTERVALS * opts.intervalMs) return;
    darkSince = t;
    opts.broadcast(outage(t));
  };

  return {
    seen(type, bytes) {
      last.set(type, bytes);
      if (type !== 'monitoring') return;
      const t = now();
      lastFreshAt = t;
      everSeen = true;
      if (darkSince === undefined) return;
      const message = `Dashboard data is flowing again (it was unavailable from ${isoUtc(darkSince)} to ${isoUtc(t)}).`;
      darkSince = undefined;
      opts.broadcast(alert('dashboard_data_recovered', 'Dashboard data restored', message, 'info', t));
    },
    fallbackBurst(reason, agents) {
      const frames = SNAPSHOT_TYPES.flatMap((type) => {
        const bytes = type === 'agents' ? agents : last.get(type);
        return bytes ? [bytes] : [];
      });
      const t = now();
      const notice =
        darkSince !== undefined
          ? outage(t)
          : alert(
              'dashboard_snapshot_unavailable',
              'Dashboard snapshot unavailable',
              `The metrics service did not answer (${reason}); showing the last frames this gateway received${everSeen ? ` (fresh at ${isoUtc(lastFreshAt)})` : ''} until the next round.`,
              'warning',
              t,
            );
      return [...frames, notice];
    },
    get dark() {
      return darkSince !== undefined;
    },
    start() {
      lastFreshAt = now();
      timer = setInterval(check, Math.max(50, opts.intervalMs));
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
