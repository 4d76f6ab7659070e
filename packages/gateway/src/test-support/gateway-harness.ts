/**
 * One channel's gateway on a real uWS app over the memory bus, for the gateway wiring tests: the
 * directory writer that feeds it, its metrics registry and log lines, and `ws` clients that keep
 * every frame they receive so a test can wait for the one it expects.
 */
import { createTokenService, revoke, type TokenService } from '@arcp/auth';
import { createDirectoryWriter, type DirectoryWriter } from '@arcp/directory';
import { subjects, type ChannelName } from '@arcp/protocol';
import { createMemoryBus, loadConfig, type Bus } from '@arcp/service-kit';
import { waitFor } from '@arcp/testkit';
import { createUwsApp, listen } from '@arcp/ws-engine';
import { createRecordingLogger, type LogLine } from '@arcp/ws-engine/testing';
import { Registry } from 'prom-client';
import WebSocket from 'ws';
import { z } from 'zod';
import { channelEnv, GATEWAY_CHANNELS } from '../channels';
import type { Gateway } from '../kit';
import { mountGateway } from '../run';

export const SECRET = 'g'.repeat(40);
export const tokens: TokenService = createTokenService({ secret: SECRET, agentTtlS: 600, adminTtlS: 600, tempTtlS: 60 });

export interface Harness {
  readonly bus: Bus;
  readonly prefix: string;
  readonly gateway: Gateway;
  readonly registry: Registry;
  readonly lines: LogLine[];
  readonly port: number;
  writer(): Promise<DirectoryWriter>;
  /** The value of a counter or gauge for these labels (0 when never set). */
  metric(name: string, labels: Record<string, string>): Promise<number>;
  /** Revokes every token of `subject` for ten minutes, as the registry does (KV entry and bus event). */
  revoke(kind: 'agent' | 'admin', subject: string): Promise<void>;
  close(): Promise<void>;
}

let nextPrefix = 0;
/** Clients still open, ended by `close` so a failed test does not keep the process alive. */
const openSockets = new Set<WebSocket>();

/** Mounts and starts `name`'s gateway with `env` over the defaults; `beforeStart` runs between mount and start. */
export async function startGateway(
  name: ChannelName,
  env: Record<string, string> = {},
  opts: { beforeStart?: (gateway: Gateway) => void; now?: () => number } = {},
): Promise<Harness> {
  const spec = GATEWAY_CHANNELS[name];
  const prefix = `t_gw_${name}_${++nextPrefix}`;
  const bus = createMemoryBus();
  const app = createUwsApp();
  const registry = new Registry();
  const logger = createRecordingLogger();
  const schema = z.object({ ARCP_BUS_PREFIX: z.string(), TRUST_PROXY: z.boolean().default(false), ...channelEnv(spec).shape });
  const config = loadConfig(schema, { JWT_SECRET: SECRET, ARCP_BUS_PREFIX: prefix, ...env });
  const gateway = mountGateway(spec, {
    app,
    bus,
    config: config as never,
    logger,
    registry,
    tokens,
    ...(opts.now ? { now: opts.now } : {}),
  });
  opts.beforeStart?.(gateway);
  await gateway.start();
  const listening = await listen(app, '127.0.0.1', 0);
  return {
    bus,
    prefix,
    gateway,
    registry,
    lines: logger.lines,
    port: listening.port,
    writer: async () => createDirectoryWriter(await bus.kv(subjects(prefix).agentsBucket)),
    async metric(metricName, labels) {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === metricName);
      const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string | number> }>;
      const match = values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
      return match?.value ?? 0;
    },
    async revoke(kind, subject) {
      const names = subjects(prefix);
      await revoke(
        { kv: await bus.kv(names.revokedBucket), bus, busSubject: names.revocations },
        { kind, subject, untilMs: Date.now() + 600_000 },
      );
    },
    async close() {
      for (const ws of openSockets) ws.terminate();
      openSockets.clear();
      listening.close();
      await gateway.stop();
      await bus.close();
    },
  };
}

export interface Client {
  /** Every frame received, parsed (text and binary frames are JSON here). */
  readonly frames: Array<{ type?: string; [k: string]: unknown }>;
  /** Frames of one type. */
  of(type: string): Array<{ type?: string; [k: string]: unknown }>;
  /** Waits until a frame of `type` satisfying `test` has arrived (counting from `from`) and returns it. */
  next(type: string, test?: (frame: Record<string, unknown>) => boolean, from?: number): Promise<Record<string, unknown>>;
  send(data: string): void;
  readonly closed: Promise<number>;
  close(): void;
}

/** Opens `path`; with `first`, sends it as soon as the socket is open. */
export async function openClient(port: number, path: string, first?: string): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  openSockets.add(ws);
  ws.once('close', () => openSockets.delete(ws));
  const frames: Client['frames'] = [];
  ws.on('message', (data: Buffer) => {
    const parsed = JSON.parse(data.toString()) as unknown;
    // The agents channel's list is a bare array.
    frames.push(Array.isArray(parsed) ? { type: 'agent_list', agents: parsed } : (parsed as Client['frames'][number]));
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  if (first !== undefined) ws.send(first);
  const of = (type: string) => frames.filter((f) => f.type === type);
  return {
    frames,
    of,
    async next(type, test = () => true, from = 0) {
      let found: Record<string, unknown> | undefined;
      await waitFor(() => (found = frames.slice(from).find((f) => f.type === type && test(f))) !== undefined, {
        what: `a ${type} frame`,
      });
      return found!;
    },
    send: (data) => ws.send(data),
    closed,
    close: () => ws.close(),
  };
}
