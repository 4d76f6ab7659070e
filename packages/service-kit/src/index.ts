/**
 * @arcp/service-kit: what every ARCP service shares — config loading, logging, metrics, the ops
 * server, graceful shutdown, telemetry beats, the Bus port with its NATS and memory engines,
 * the transport-neutral HTTP types and listener port, and the process runtime (`runService`)
 * that wires them together in a service's entry point.
 */
export * from './config';
export * from './logger';
export * from './metrics';
export { LevelCell, TallyCell, TallyCounter, TallyGauge, type TallyOptions } from './tally';
export * from './ops-server';
export * from './shutdown';
export * from './telemetry';
export * from './bus/bus';
export * from './bus/errors';
export { type BusHooks } from './bus/handler-errors';
export { subjectMatches } from './bus/subject-match';
export { createMemoryBus, type MemoryBusOptions } from './bus/memory-bus';
export { connectNatsBus, type NatsBusOptions } from './bus/nats-bus';
export { EXIT_NATS_UNREACHABLE, NatsUnreachableError } from './bus/nats-startup';
export { followKv } from './bus/follow';
export * from './http/types';
export * from './http/server-port';
export { httpMetrics, type HttpMetrics, type HttpTotals } from './http/metrics';
export * from './run-service';
export { LeaderLease, type LeaseOptions, type LeaseValue } from './lease';
export { createAuditLog, type AuditEvent, type AuditFields, type AuditLog } from './audit';
export * from './version';
