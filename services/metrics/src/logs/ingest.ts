/**
 * Stores the log events every service publishes. Replicas share one queue group, so each event
 * is stored exactly once whichever replica is the producer, and none is lost during a failover.
 * The store cuts messages at DASHBOARD_LOG_MESSAGE_MAXLEN.
 */
import { type Subjects } from '@arcp/protocol';
import { type Bus, type Logger, type Subscription } from '@arcp/service-kit';
import { type LogStore } from '../stores/log-store';
import { decodeLogEntry } from '../wire';

export interface LogIngestOptions {
  bus: Bus;
  subjects: Subjects;
  store: LogStore;
  logger: Logger;
  onRejected?: () => void;
}

export function startLogIngest(opts: LogIngestOptions): Subscription {
  return opts.bus.subscribe(
    opts.subjects.logEvents,
    (msg) => {
      const decoded = decodeLogEntry(msg.data);
      if (!decoded.ok) {
        opts.onRejected?.();
        opts.logger.warn({ error: decoded.error }, 'dropped a malformed log event');
        return;
      }
      opts.store.append(decoded.value).catch((err: unknown) => {
        opts.logger.error({ err }, 'could not store a log event');
      });
    },
    { queue: opts.subjects.logEventsQueue },
  );
}
