/**
 * The live view of the cluster built from telemetry beats: the latest beat of every instance
 * heard from within TELEMETRY_TIMEOUT_S. Liveness uses the receiver's clock, so instances with
 * skewed clocks are neither dropped early nor kept forever.
 */
import { type TelemetryEvent } from '@arcp/protocol';

export interface RoleSummary {
  replicas: number;
  connections: number;
}

export interface ClusterSummary {
  instances: number;
  /** Mean CPU share of the live instances, 0–100 (0 with none). */
  cpuPercent: number;
  /** Mean memory share of the live instances, 0–100 (0 with none). */
  memoryPercent: number;
  connections: number;
  byRole: ReadonlyMap<string, RoleSummary>;
}

interface Heard {
  event: TelemetryEvent;
  receivedAt: number;
}

export class TelemetryAggregator {
  private readonly instances = new Map<string, Heard>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  record(event: TelemetryEvent): void {
    this.instances.set(event.instance, { event, receivedAt: this.now() });
  }

  /** Latest beat of every live instance; stale ones are forgotten here. */
  live(): TelemetryEvent[] {
    const cutoff = this.now() - this.timeoutMs;
    const out: TelemetryEvent[] = [];
    for (const [id, heard] of this.instances) {
      if (heard.receivedAt < cutoff) this.instances.delete(id);
      else out.push(heard.event);
    }
    return out;
  }

  summary(): ClusterSummary {
    const live = this.live();
    const byRole = new Map<string, RoleSummary>();
    let connections = 0;
    for (const e of live) {
      const role = byRole.get(e.role) ?? { replicas: 0, connections: 0 };
      role.replicas += 1;
      role.connections += e.connections;
      byRole.set(e.role, role);
      connections += e.connections;
    }
    return {
      instances: live.length,
      cpuPercent: mean(live.map((e) => e.cpu_percent)),
      memoryPercent: mean(live.map((e) => e.memory_percent)),
      connections,
      byRole,
    };
  }
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
