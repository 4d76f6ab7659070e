/**
 * One agent as the directory read model holds it, and the rule for what counts as a change
 * worth a broadcast: membership, effective status, or registration content. Heartbeats that only
 * move `last_seen` or metrics are not changes (design.md: "Bus events").
 */
import { effectiveStatus, type AgentStatus, type StoredAgent } from '@arcp/protocol';

export interface DirectoryEntry {
  readonly agent: StoredAgent;
  /** Registration content without liveness and metrics, for cheap equality. */
  readonly signature: string;
  /** Effective status when last evaluated. */
  status: AgentStatus;
}

export function signatureOf(agent: StoredAgent): string {
  const { last_seen: _seen, metrics: _metrics, status: _status, ...registration } = agent;
  return JSON.stringify(registration);
}

export function toEntry(agent: StoredAgent, nowMs: number, timeoutMs: number): DirectoryEntry {
  return { agent, signature: signatureOf(agent), status: effectiveStatus(agent, nowMs, timeoutMs) };
}

/** True when replacing `prev` with `next` must be broadcast. */
export function isSignificant(prev: DirectoryEntry | undefined, next: DirectoryEntry): boolean {
  return prev === undefined || prev.status !== next.status || prev.signature !== next.signature;
}

/** Registration order: `registered_at`, then id, so every replica lists agents identically. */
export function byRegistration(a: DirectoryEntry, b: DirectoryEntry): number {
  const at = a.agent.registered_at.localeCompare(b.agent.registered_at);
  return at !== 0 ? at : a.agent.agent_id.localeCompare(b.agent.agent_id);
}
