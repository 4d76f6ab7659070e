/**
 * What the NATS failover suite measures with: a prober that registers a fresh agent every
 * `intervalMs` (retrying through 503s, as a client does) and records when each one was sent,
 * acknowledged and first seen on every channel; and the JetStream facts the suite needs from the
 * servers' monitoring endpoints (which node leads a stream).
 */
import type { NatsClusterNode, RunningNatsCluster } from '@arcp/cluster';
import { call, registration } from './http';
import type { TestClient } from './ws-client';

export interface Probe {
  readonly agentId: string;
  readonly sentAt: number;
  ackAt?: number;
  /** First arrival of a frame naming the agent, per watching socket. */
  readonly seenAt: Map<string, number>;
}

export interface Prober {
  readonly probes: readonly Probe[];
  /** Marks every frame a socket receives from now on that `counts` and that names a probe. */
  watch(name: string, client: TestClient, counts: (json: unknown) => boolean): void;
  stop(): Promise<void>;
}

const HTTP_TIMEOUT_MS = 15_000;

/** Temp token + registration with a fresh id and key, retried until the registry answers 200. */
async function registerThrough(http: string, agentId: string, key: string, until: () => boolean): Promise<boolean> {
  while (!until()) {
    try {
      const temp = await call(http, 'POST', '/auth/agent/request_temp_token', {
        body: { agent_id: agentId, agent_type: 'testing', agent_key: key },
        timeoutMs: HTTP_TIMEOUT_MS,
      });
      if (temp.status === 200) {
        const reg = await call(http, 'POST', '/agents/register', {
          token: String(temp.body.temp_token),
          body: registration(agentId),
          timeoutMs: HTTP_TIMEOUT_MS,
        });
        // 409: an earlier attempt that timed out on our side was stored after all.
        if (reg.status === 200 || reg.status === 409) return true;
      }
    } catch {
      // the registry did not answer in time: try again
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

export function startProber(http: string, keys: readonly string[], intervalMs: number): Prober {
  const probes: Probe[] = [];
  let stopped = false;
  let next = 0;
  const loop = (async () => {
    while (!stopped && next < keys.length) {
      const probe: Probe = { agentId: `probe-${next}-${Date.now().toString(36)}`, sentAt: Date.now(), seenAt: new Map() };
      const key = keys[next++]!;
      probes.push(probe);
      const started = Date.now();
      void registerThrough(http, probe.agentId, key, () => stopped).then((ok) => {
        if (ok) probe.ackAt = Date.now();
      });
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
    }
  })();
  return {
    probes,
    watch(name, client, counts) {
      client.ws.on('message', (data: { toString(): string }) => {
        const at = Date.now();
        const text = data.toString();
        const fresh = probes.filter((p) => !p.seenAt.has(name) && text.includes(p.agentId));
        if (fresh.length === 0) return;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          return;
        }
        if (counts(json)) for (const p of fresh) p.seenAt.set(name, at);
      });
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** When every channel saw the probe: the latest of its arrivals. */
export function seenEverywhereAt(probe: Probe): number {
  return Math.max(...probe.seenAt.values());
}

interface Jsz {
  account_details?: Array<{ stream_detail?: Array<{ name: string; cluster?: { leader?: string } }> }>;
}

/** The node leading `stream` now, as the running nodes' monitoring reports it. */
export async function streamLeader(nats: RunningNatsCluster, stream: string): Promise<NatsClusterNode | undefined> {
  for (const node of nats.nodes.filter((n) => n.isRunning())) {
    try {
      const res = await fetch(`${node.monitorUrl}/jsz?streams=true`, { signal: AbortSignal.timeout(2000) });
      const jsz = (await res.json()) as Jsz;
      const leader = jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream)?.cluster?.leader;
      const found = nats.nodes.find((n) => n.name === leader);
      if (found) return found;
    } catch {
      // that node is not answering: ask the next one
    }
  }
  return undefined;
}
