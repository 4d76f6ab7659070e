/**
 * Metrics of the directory readers, shared by every reader on one registry (the standalone
 * process runs several): unreadable records, and how the read-your-writes barrier fares.
 */
import { perRegistry } from '@arcp/service-kit';
import { Counter, Histogram, type Registry } from 'prom-client';

export interface DirectoryMetrics {
  readonly invalidRecords: Counter;
  readonly beats: Counter;
  readonly syncs: Counter<'result'>;
  readonly syncWait: Histogram;
}

export const directoryMetrics = perRegistry((registry: Registry): DirectoryMetrics => ({
  invalidRecords: new Counter({
    name: 'arcp_directory_invalid_records_total',
    help: 'Agent directory records that could not be read (skipped)',
    registers: [registry],
  }),
  beats: new Counter({
    name: 'arcp_directory_heartbeats_read_total',
    help: 'Heartbeats read from the heartbeat log (many per bus message)',
    registers: [registry],
  }),
  syncs: new Counter({
    name: 'arcp_directory_syncs_total',
    help: 'Read-your-writes barriers: ok, timeout (the model lagged past the bound), unavailable (the bus could not tell)',
    labelNames: ['result'],
    registers: [registry],
  }),
  syncWait: new Histogram({
    name: 'arcp_directory_sync_wait_seconds',
    help: 'Time a read-your-writes barrier waited for the directory model to catch up',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
    registers: [registry],
  }),
}));
