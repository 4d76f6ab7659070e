/**
 * @arcp/service-kit: what every ARCP service shares — config loading, logging, metrics, the ops
 * server, graceful shutdown, telemetry beats, the Bus port with its NATS and memory engines, and
 * the transport-neutral HTTP types.
 */
export * from './config';
export * from './logger';
export * from './metrics';
export * from './ops-server';
export * from './shutdown';
export * from './telemetry';
export * from './bus/bus';
export * from './bus/errors';
export { type BusHooks } from './bus/handler-errors';
export { subjectMatches } from './bus/subject-match';
export { createMemoryBus, type MemoryBusOptions } from './bus/memory-bus';
export { connectNatsBus, type NatsBusOptions } from './bus/nats-bus';
export * from './http/types';
