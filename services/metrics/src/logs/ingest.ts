/**
 * Stores the log events every service publishes. Replicas share one queue group, so each event
 * is stored exactly once whichever replica is the producer, and none is lost during a failover.
 */
import { type Subjects } from '@arcp/protocol';
import { type Bus, type Logger, type Subscription } from '@arcp/service-kit';
import { type LogStore } from '../stores/log-store';
import { decodeLogEntry } from '../wire';
import { boundEntry } from './entries';

export interface LogIngestOptions {
  bus: Bus;
  subjects: Subjects;
  store: LogStore;
  maxMessage: number;
  logger: Logger;
  onRejected?: () => void;
}

/** Queue group of the replicas storing log events; derived from the prefix like every other name. */
export const logIngestQueue = (s: Subjects): string => `${s.dashboardCommandsQueue}_log_ingest`;

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
      opts.store.append(boundEntry(decoded.value, opts.maxMessage)).catch((err: unknown) => {
        opts.logger.error({ err }, 'could not store a log event');
      });
    },
    { queue: logIngestQueue(opts.subjects) },
  );
}
