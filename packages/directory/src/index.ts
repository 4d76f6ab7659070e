/**
 * @arcp/directory: the agent directory behind one port. One codec for the records of the agents
 * bucket (registration, liveness and metrics stored apart) and of the heartbeat log, a reader (snapshot, ordered changes,
 * revision, and the read-your-writes barrier `sync()`) used by the gateways, the metrics service
 * and the registry, and the registry's writers (records, and heartbeats by group commit). A contract suite runs both against the memory and
 * the NATS bus engines.
 */
export {
  createDirectoryReader,
  type DirectoryReader,
  type DirectoryReaderOptions,
  type DirectoryChange,
  type DirectoryChangeKind,
  type SyncResult,
} from './reader';
export { createDirectoryWriter, migrateLegacyRecords, type DirectoryWriter, type VersionedAgent, type VersionedLiveness } from './writer';
export {
  BEATS_RETENTION_MS,
  BEAT_PERSIST_AFTER_MS,
  assemble,
  beatsBucket,
  decodeLiveness,
  encodeBeats,
  encodeRecord,
  newerLiveness,
  newerOf,
  splitAgent,
  type Beat,
  type Liveness,
} from './records';
export { createBeatWriter, type BeatWriter, type BeatWriterOptions } from './beats';
export { directoryMetrics, type DirectoryMetrics } from './metrics';
