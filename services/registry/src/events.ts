/**
 * What the registry announces on the bus: one DirectoryEvent per directory change on
 * `dir.changed`, and LogEntry records (security and lifecycle) on `events.log`. Publishing is
 * fire-and-forget after the durable KV write, so a bus hiccup never fails an HTTP request.
 */
import { DirectoryEventSchema, encodeJson, isoUtc, LogEntrySchema, type StoredAgent, type Subjects } from '@arcp/protocol';
import { type Bus, type Logger } from '@arcp/service-kit';
import { type z } from 'zod';

export type DirectoryEventKind = 'registered' | 'unregistered' | 'alive' | 'dead' | 'heartbeat' | 'metrics';
export type LogSource = 'auth' | 'security' | 'agents';
export type LogLevel = 'INFO' | 'WARN' | 'ERROR' | 'CRIT';

export interface RegistryEvents {
  directory(kind: DirectoryEventKind, agent: StoredAgent): void;
  /** A plain heartbeat: only liveness moved, so the event names the agent without its document. */
  heartbeat(agentId: string, agentType: string | undefined): void;
  log(level: LogLevel, source: LogSource, message: string, extra?: Record<string, unknown>): void;
}

export function createRegistryEvents(bus: Bus, names: Subjects, logger: Logger, now: () => number): RegistryEvents {
  function send<S extends z.ZodType>(subject: string, schema: S, value: unknown): void {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      logger.error({ subject, issues: parsed.error.issues.slice(0, 3) }, 'refusing to publish an invalid event');
      return;
    }
    try {
      bus.publish(subject, encodeJson(parsed.data));
    } catch (err) {
      logger.warn({ err, subject }, 'event not published');
    }
  }

  return {
    directory(kind, agent) {
      const withAgent = kind !== 'heartbeat' && kind !== 'unregistered';
      send(names.directoryChanged, DirectoryEventSchema, {
        kind,
        agent_id: agent.agent_id,
        agent_type: agent.agent_type,
        at: isoUtc(now()),
        ...(withAgent ? { agent } : {}),
      });
    },
    // Plain heartbeats are announced too, for bus subscribers that count them, but without the
    // agent document: they only move last_seen, and they are the most frequent event.
    heartbeat(agentId, agentType) {
      send(names.directoryChanged, DirectoryEventSchema, {
        kind: 'heartbeat',
        agent_id: agentId,
        agent_type: agentType ?? '',
        at: isoUtc(now()),
      });
    },
    log(level, source, message, extra = {}) {
      send(names.logEvents, LogEntrySchema, { ...extra, timestamp: isoUtc(now()), level, message, source });
    },
  };
}
