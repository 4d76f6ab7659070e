/**
 * Typed builders for every outbound frame. The types come from the frame schemas, so a builder
 * cannot produce a frame the schema would reject in shape; the values (timestamps, counts) are
 * computed here in one place.
 */
import type { WsAgent } from './agent-views';
import type { DiscoveryPage } from './discovery';
import type { PongFrame } from './frames/common';
import {
  ACK_DATA,
  type AckType,
  type DashboardDataMap,
  type DashboardFrame,
  type DashboardFrameType,
  type ErrorAckData,
} from './frames/dashboard';
import type { ErrorFrame, StatsData } from './frames/public';
import { epochSeconds, nowIso } from './time';

export interface StatsUpdateFrameOut {
  type: 'stats_update';
  timestamp: number;
  data: StatsData;
}
export interface AgentsUpdateFrameOut<A = WsAgent> {
  type: 'agents_update';
  timestamp: number;
  data: { agents: A[]; total_count: number };
}
export interface AgentsDeltaFrameOut<A = WsAgent> {
  type: 'agents_delta';
  timestamp: number;
  data: { upserted: A[]; removed: string[]; total_count: number };
}
export interface DiscoveryFrameOut<A = WsAgent> {
  type: 'discovery_data';
  timestamp: number;
  data: DiscoveryPage<A>;
}

/** `stats_update` with an epoch-float timestamp. */
export function statsUpdateFrame(data: StatsData, nowMs: number): StatsUpdateFrameOut {
  return { type: 'stats_update', timestamp: epochSeconds(nowMs), data };
}

/** `agents_update`: the alive agents, whole list, with their count. */
export function agentsUpdateFrame<A = WsAgent>(agents: A[], nowMs: number): AgentsUpdateFrameOut<A> {
  return { type: 'agents_update', timestamp: epochSeconds(nowMs), data: { agents, total_count: agents.length } };
}

/** `agents_delta` (extension): what changed since the previous frame, and the alive count after it. */
export function agentsDeltaFrame<A = WsAgent>(upserted: A[], removed: string[], totalCount: number, nowMs: number): AgentsDeltaFrameOut<A> {
  return { type: 'agents_delta', timestamp: epochSeconds(nowMs), data: { upserted, removed, total_count: totalCount } };
}

/** `discovery_data` around a page computed by `paginate`. */
export function discoveryFrame<A = WsAgent>(page: DiscoveryPage<A>, nowMs: number): DiscoveryFrameOut<A> {
  return { type: 'discovery_data', timestamp: epochSeconds(nowMs), data: page };
}

/** Answer to a JSON ping. */
export function pongFrame(nowMs: number): PongFrame {
  return { type: 'pong', timestamp: epochSeconds(nowMs) };
}

/** `{"type":"error","message":...}` on the public channel. */
export function errorFrame(message: string): ErrorFrame {
  return { type: 'error', message };
}

/** The dashboard envelope: `{type, timestamp (ISO UTC), data}`. */
export function dashboardFrame<T extends DashboardFrameType>(type: T, data: DashboardDataMap[T], at: string = nowIso()): DashboardFrame<T> {
  return { type, timestamp: at, data };
}

/** The data of a failed ack (`refresh_ack`, `agents_ack`, `clear_*_ack`). */
export function errorAckData(message: string): ErrorAckData {
  return { status: 'error', message };
}

/** An ack; `data` defaults to the canonical success payload of that ack. */
export function ackFrame<T extends AckType>(
  type: T,
  data: DashboardDataMap[T] = ACK_DATA[type] as DashboardDataMap[T],
  at: string = nowIso(),
): DashboardFrame<T> {
  return dashboardFrame(type, data, at);
}
