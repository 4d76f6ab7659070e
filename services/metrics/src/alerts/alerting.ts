/**
 * Turns a view's rule hits into fired alerts: de-duplicated by cooldown, persisted in the alerts
 * stream in the hydrated shape, critical ones also written to the dashboard log.
 */
import { hydrateAlert, isoUtc, logEntry, type LiveAlert } from '@arcp/protocol';
import { type Logger } from '@arcp/service-kit';
import { type ClusterView } from '../frames/view';
import { alertId, type AlertStore } from '../stores/alert-store';
import { type LogStore } from '../stores/log-store';
import { AlertCooldowns } from './cooldown';
import { evaluateAlertRules } from './rules';

/** Persisted alerts read back when a replica becomes the producer; covers every cooldown. */
const SEED_WINDOW = 1000;

export interface AlertingDeps {
  alerts: AlertStore;
  logs: LogStore;
  logger: Logger;
  onFired?: (alert: LiveAlert) => void;
}

export class Alerting {
  private readonly cooldowns = new AlertCooldowns();

  constructor(private readonly deps: AlertingDeps) {}

  /** Every rule that fires now, without touching cooldowns (used by refresh). */
  current(view: ClusterView): LiveAlert[] {
    return evaluateAlertRules(view.monitoring, view.health);
  }

  /** Alerts that fire now and are out of cooldown; each is persisted before it is returned. */
  async fire(view: ClusterView): Promise<LiveAlert[]> {
    const fired = this.cooldowns.admit(this.current(view), view.nowMs);
    for (const alert of fired) {
      await this.deps.alerts.append(hydrateAlert(alert, isoUtc(view.nowMs), alertId(view.nowMs)));
      if (alert.severity === 'critical') {
        await this.deps.logs.append(logEntry('CRIT', alert.message, 'monitoring', { alert_type: alert.type }, isoUtc(view.nowMs)));
      }
      this.deps.onFired?.(alert);
    }
    return fired;
  }

  /** Loads the cooldown table from persisted alerts, so a new producer does not re-fire them. */
  async seed(): Promise<void> {
    for (const a of await this.deps.alerts.recent(SEED_WINDOW)) {
      const at = Date.parse(a.timestamp);
      if (Number.isFinite(at)) this.cooldowns.seed(a.type, a.severity, at);
    }
  }
}
