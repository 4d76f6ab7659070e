/**
 * The standalone process reads the same variables as the distributed services (one schema made
 * of theirs, every channel's taken from the gateway catalog, so a bad value anywhere is reported
 * in one message) plus its single listen port.
 */
import { GATEWAY_CHANNELS, channelEnv } from '@arcp/gateway';
import { MetricsEnv } from '@arcp/metrics';
import { RegistryEnv } from '@arcp/registry';
import { envNumber, envString } from '@arcp/service-kit';
import { z } from 'zod';

const ServicesEnv = z.object({
  ...MetricsEnv.shape,
  // The registry's bounds win where a variable is shared (AGENT_HEARTBEAT_TIMEOUT).
  ...RegistryEnv.shape,
  // The one port of the whole product: registry API and the three channels (reference: 8001).
  ARCP_PORT: envNumber({ min: 0, max: 65535, default: 8001 }),
  ARCP_HOST: envString({ default: '0.0.0.0', rule: 'a host name or address to bind' }),
});

/** Every channel's variables (limits, own settings), from the catalog; typed loosely here because
 * the standalone process only hands them on to the gateways, which read them from their schema. */
const channelShape = Object.assign({}, ...Object.values(GATEWAY_CHANNELS).map((spec) => channelEnv(spec).shape)) as z.ZodRawShape;

export type StandaloneConfig = z.infer<typeof ServicesEnv> & Readonly<Record<string, unknown>>;
export const StandaloneEnv = z.object({ ...channelShape, ...ServicesEnv.shape }) as unknown as z.ZodType<StandaloneConfig>;
