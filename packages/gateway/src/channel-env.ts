/**
 * The per-channel limit variables every gateway reads, named after the reference server's
 * `<PREFIX>_WS_*` settings, and their mapping onto the engine's `EndpointLimits`. The prefix of
 * each channel comes from the channel catalog (`channels.ts`).
 */
import { envNumber, envSeconds } from '@arcp/service-kit';
import type { EndpointLimits } from '@arcp/ws-engine';
import type { z } from 'zod';

export type ChannelEnvPrefix = string;

export interface ChannelEnvDefaults {
  maxConnections: number;
  maxPayloadBytes: number;
  /** Sockets waiting for their first (auth) message; channels without auth have none. */
  maxPending: number;
  maxPerAddress: number;
  /** Seconds allowed for the first (auth) message. */
  authTimeoutS: number;
}

type Num = z.ZodType<number, unknown>;
export type ChannelEnvFields<P extends ChannelEnvPrefix> = {
  [
    K in `${P}_WS_${'MAX_CONNECTIONS' | 'MAX_PENDING' | 'MAX_PER_ADDRESS' | 'TIMEOUT' | 'PING_INTERVAL' | 'MAX_PAYLOAD_BYTES' | 'MAX_BACKPRESSURE_BYTES' | 'SLOW_CONSUMER_GRACE' | 'RATE_PER_S' | 'RATE_BURST' | 'IDLE_TIMEOUT'}`
  ]: Num;
};

/** zod fields for one channel's limits; spread them into the service's env schema. */
export function channelEnvFields<P extends ChannelEnvPrefix>(prefix: P, d: ChannelEnvDefaults): ChannelEnvFields<P> {
  return {
    // Authenticated sockets per replica (every socket of a channel without auth); over it the
    // upgrade is refused with 503 + Retry-After. Sockets still authenticating do not count.
    [`${prefix}_WS_MAX_CONNECTIONS`]: envNumber({ min: 1, max: 1_000_000, default: d.maxConnections }),
    // Sockets waiting for their first (auth) message per replica: their own small budget, so
    // silent anonymous sockets never lock signed-in clients out. Over it: 503 + Retry-After.
    [`${prefix}_WS_MAX_PENDING`]: envNumber({ min: 1, max: 1_000_000, default: d.maxPending }),
    // Per client address (X-Forwarded-For behind a trusted edge): sockets still authenticating,
    // or open sockets on a channel without auth. Over it: 429 + Retry-After.
    [`${prefix}_WS_MAX_PER_ADDRESS`]: envNumber({ min: 1, max: 1_000_000, default: d.maxPerAddress }),
    // Time allowed for the first (auth) message.
    [`${prefix}_WS_TIMEOUT`]: envSeconds({ min: 0.05, max: 3600, default: d.authTimeoutS }),
    // A socket silent this long gets a text `ping` (the reference's application keep-alive).
    [`${prefix}_WS_PING_INTERVAL`]: envSeconds({ min: 0.05, max: 3600, default: 30 }),
    // Largest client frame; larger ones close the socket with 1009.
    [`${prefix}_WS_MAX_PAYLOAD_BYTES`]: envNumber({ min: 64, max: 16 * 1024 * 1024, default: d.maxPayloadBytes }),
    // Send buffer per socket; a consumer that stays above it is dropped with 4201, so memory is
    // bounded by connections × this figure.
    [`${prefix}_WS_MAX_BACKPRESSURE_BYTES`]: envNumber({ min: 1024, max: 64 * 1024 * 1024, default: 1024 * 1024 }),
    // Seconds a send buffer may stay over that limit: buffers are checked this often and a socket
    // over it on two checks in a row is closed, so a brief backlog (a burst, a slow link catching
    // up) is kept.
    [`${prefix}_WS_SLOW_CONSUMER_GRACE`]: envSeconds({ min: 0.05, max: 60, default: 1 }),
    // Inbound frames per second per socket (token bucket), and the burst allowed above it.
    [`${prefix}_WS_RATE_PER_S`]: envNumber({ min: 1, max: 100_000, default: 50 }),
    [`${prefix}_WS_RATE_BURST`]: envNumber({ min: 1, max: 100_000, default: 100 }),
    // Transport idle timeout: uWS sends protocol pings before it and drops dead peers after it.
    [`${prefix}_WS_IDLE_TIMEOUT`]: envNumber({ min: 0, max: 960, default: 120 }),
  } as ChannelEnvFields<P>;
}

/** Reads the parsed variables of one channel back as engine limits. */
export function channelLimitsFrom<P extends ChannelEnvPrefix>(
  prefix: P,
  config: { [K in keyof ChannelEnvFields<P>]: number },
): EndpointLimits {
  const get = (name: string): number => (config as Record<string, number>)[`${prefix}_WS_${name}`] as number;
  return {
    maxConnections: get('MAX_CONNECTIONS'),
    maxPending: get('MAX_PENDING'),
    maxPerAddress: get('MAX_PER_ADDRESS'),
    maxPayloadBytes: get('MAX_PAYLOAD_BYTES'),
    authTimeoutMs: get('TIMEOUT') * 1000,
    idleTimeoutS: get('IDLE_TIMEOUT'),
    maxBackpressureBytes: get('MAX_BACKPRESSURE_BYTES'),
    slowConsumerGraceMs: get('SLOW_CONSUMER_GRACE') * 1000,
    messageRate: { perSecond: get('RATE_PER_S'), burst: get('RATE_BURST') },
    idlePingMs: get('PING_INTERVAL') * 1000,
  };
}
