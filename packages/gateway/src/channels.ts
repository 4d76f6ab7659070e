/**
 * The gateway channels as data: for each channel of the protocol (`CHANNELS` in
 * `@arcp/protocol`: name, path, auth), its `<PREFIX>_WS_*` variables and their defaults, its own
 * variables, and its implementation. The service entry points, the standalone process, the env
 * schemas and the local cluster launcher are all derived from this table; adding a channel is
 * an entry here (and one in the protocol's table), not an edit spread over the tree.
 */
import { JwtEnv } from '@arcp/auth';
import { CHANNELS, type ChannelAuthKind, type ChannelName } from '@arcp/protocol';
import type { z } from 'zod';
import { createAgentsGateway } from './agents/gateway';
import { AgentsChannelEnv } from './agents/config';
import { channelEnvFields, channelLimitsFrom, type ChannelEnvDefaults } from './channel-env';
import { createDashboardGateway } from './dashboard/gateway';
import { DashboardChannelEnv } from './dashboard/config';
import type { Gateway, GatewayDeps } from './kit';
import { createPublicGateway } from './public/gateway';
import { PublicChannelEnv } from './public/config';
import type { EndpointLimits } from '@arcp/ws-engine';

export interface ChannelSpec<S extends z.ZodObject = z.ZodObject> {
  /** Channel name: metrics label, service name `gateway-<name>`, catalog key. */
  readonly name: string;
  readonly path: string;
  readonly auth: ChannelAuthKind;
  /** Prefix of the reference's `<PREFIX>_WS_*` limit variables. */
  readonly envPrefix: string;
  readonly limitDefaults: ChannelEnvDefaults;
  /** The channel's own variables (beyond the limits and the JWT settings). */
  readonly env: S;
  create(deps: GatewayDeps<z.infer<S>>): Gateway;
}

/** A catalog entry for a channel of the protocol: path and auth come from the protocol's table. */
function protocolChannel<S extends z.ZodObject>(name: ChannelName, rest: Omit<ChannelSpec<S>, 'name' | 'path' | 'auth'>): ChannelSpec<S> {
  return { name, ...CHANNELS[name], ...rest };
}

export const GATEWAY_CHANNELS: Readonly<Record<ChannelName, ChannelSpec>> = Object.freeze({
  public: protocolChannel('public', {
    envPrefix: 'PUBLIC',
    // Anyone may connect: only the per-address cap applies (there is nothing to wait for).
    limitDefaults: { maxConnections: 100, maxPayloadBytes: 64 * 1024, maxPending: 100, maxPerAddress: 20, authTimeoutS: 30 },
    env: PublicChannelEnv,
    create: createPublicGateway,
  }),
  agents: protocolChannel('agents', {
    envPrefix: 'AGENT',
    limitDefaults: { maxConnections: 100, maxPayloadBytes: 64 * 1024, maxPending: 50, maxPerAddress: 10, authTimeoutS: 30 },
    env: AgentsChannelEnv,
    create: createAgentsGateway,
  }),
  dashboard: protocolChannel('dashboard', {
    envPrefix: 'DASHBOARD',
    // The reference allowed 30 s for the first message; an operator's page sends it at once, and
    // a short deadline keeps silent sockets from holding the small pending budget.
    limitDefaults: { maxConnections: 5, maxPayloadBytes: 256 * 1024, maxPending: 10, maxPerAddress: 4, authTimeoutS: 5 },
    env: DashboardChannelEnv,
    create: createDashboardGateway,
  }),
}) as Readonly<Record<ChannelName, ChannelSpec>>;

/** Whether a channel verifies tokens (and so reads the JWT settings). */
export function authenticates(spec: Pick<ChannelSpec, 'auth'>): boolean {
  return spec.auth !== 'none';
}

/** Every variable a channel reads: its own, its limits, and the JWT settings when it authenticates. */
export function channelEnv(spec: ChannelSpec): z.ZodObject {
  const own = spec.env.extend(channelEnvFields(spec.envPrefix, spec.limitDefaults));
  return authenticates(spec) ? own.extend(JwtEnv.shape) : own;
}

/** The channel's engine limits from its parsed variables. */
export function channelLimits(spec: ChannelSpec, config: object): EndpointLimits {
  return channelLimitsFrom(spec.envPrefix, config as Parameters<typeof channelLimitsFrom>[1]);
}
