/**
 * @arcp/directory: the agent directory behind one port. One codec for the records of the agents
 * bucket (registration, liveness and metrics stored apart), a reader (snapshot, ordered changes,
 * revision, and the read-your-writes barrier `sync()`) used by the gateways, the metrics service
 * and the registry, and the registry's writer. A contract suite runs both against the memory and
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
export { assemble, decodeLiveness, encodeRecord, splitAgent, type Liveness } from './records';
export { directoryMetrics, type DirectoryMetrics } from './metrics';
