/**
 * The first connection to NATS at startup: NATS may come up after the service (compose, a
 * rolling restart), so the connect is retried with backoff for a bounded time
 * (NATS_CONNECT_TIMEOUT_S), each wait logged with what it waits for, and then given up with one
 * typed error the runtime turns into one line naming NATS_URL. After startup the client
 * reconnects forever on its own.
 */
import type { Bus } from './bus';
import { connectNatsBus, type NatsBusOptions } from './nats-bus';
import type { Logger } from '../logger';

/** Exit status of a service that could not reach NATS at startup (see docs/configuration.md). */
export const EXIT_NATS_UNREACHABLE = 3;

/** No NATS server of `servers` answered within the startup bound. */
export class NatsUnreachableError extends Error {
  override readonly name = 'NatsUnreachableError';
  constructor(
    readonly servers: readonly string[],
    readonly waitedS: number,
    options?: { cause?: unknown },
  ) {
    super(
      `cannot reach NATS at NATS_URL=${servers.join(',')} after ${waitedS} s (NATS_CONNECT_TIMEOUT_S): ${describe(options?.cause)}`,
      options,
    );
  }
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.message === 'string' && e.message) return e.message.split('\n')[0] ?? e.message;
  return String(e?.code ?? err);
}

export interface NatsStartupOptions {
  /** Total time to keep trying; 0 tries once. */
  timeoutMs: number;
  logger: Logger;
  /** First wait between attempts, doubled up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  connect?: (opts: NatsBusOptions) => Promise<Bus>;
}

export async function connectNatsAtStartup(bus: NatsBusOptions, opts: NatsStartupOptions): Promise<Bus> {
  const connect = opts.connect ?? connectNatsBus;
  const servers = Array.isArray(bus.servers) ? bus.servers : [bus.servers];
  const started = Date.now();
  let delay = opts.initialDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect(bus);
    } catch (err) {
      const left = opts.timeoutMs - (Date.now() - started);
      if (left <= 0) throw new NatsUnreachableError(servers, Math.round(opts.timeoutMs / 100) / 10, { cause: err });
      const wait = Math.min(delay, left);
      opts.logger.warn(
        { nats_url: servers.join(','), attempt, retry_in_ms: wait, gives_up_in_s: Math.ceil(left / 1000), err: describe(err) },
        'waiting for NATS',
      );
      await new Promise((resolve) => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 5000);
    }
  }
}
