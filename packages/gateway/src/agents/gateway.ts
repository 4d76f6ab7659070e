/**
 * Wires the agents channel: the directory read model → the bare list of every agent (encoded
 * once per change, sent on auth and published to every authenticated socket through the
 * leading- and trailing-edge coalescer), jose verification with the revocation bucket, and the
 * closing of an unregistered agent's sockets.
 */
import type { DirectoryReader } from '@arcp/directory';
import { CHANNELS, Topics, encodeFrame, toWsAgent } from '@arcp/protocol';
import type { Subscription } from '@arcp/service-kit';
import { mountEndpoint, socketMetrics } from '@arcp/ws-engine';
import { createDirectoryBroadcast } from '../directory-broadcast';
import { createCredentialGate } from '../credentials';
import { gatewayDirectory, requireTokens, type Gateway, type GatewayDeps } from '../kit';
import { directoryCache } from '../view-cache';
import { claimsOf, createAgentsChannel } from './channel';
import type { AgentsChannelConfig } from './config';

export type AgentsGatewayDeps = GatewayDeps<AgentsChannelConfig>;

export interface AgentsGateway extends Gateway {
  readonly directory: DirectoryReader;
}

export function createAgentsGateway(deps: AgentsGatewayDeps): AgentsGateway {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const directory = gatewayDirectory(deps);
  const list = directoryCache(directory, () => encodeFrame(directory.all().map((a) => toWsAgent(a, a.status))), now);
  const gatePromise = createCredentialGate({
    bus: deps.bus,
    prefix: config.ARCP_BUS_PREFIX,
    tokens: requireTokens(deps, 'agents'),
    logger: deps.logger,
    now,
  });
  const metrics = socketMetrics(deps.registry);
  const channel = createAgentsChannel({
    limits: deps.limits,
    // A temp registration token is not accepted here (README, protocol notes).
    verify: async (token, conn) =>
      (await gatePromise).verify(token, ['agent', 'admin'], { ip: conn.remoteAddress, endpoint: CHANNELS.agents.path }),
    sync: () => directory.sync(),
    currentList: () => list.get(),
    badFrame: (reason) => metrics.badFrames.inc({ channel: 'agents', reason }),
  });
  const handle = mountEndpoint(deps.app, channel, {
    logger: deps.logger,
    registry: deps.registry,
    bus: deps.bus,
    trustProxy: deps.trustProxy,
  });
  const listUpdates = createDirectoryBroadcast({
    directory,
    windowMs: config.AGENT_WS_COALESCE_MS,
    publish: () => handle.publish(Topics.agentsList, list.get(), 'agent_list'),
    onError: (err) => deps.logger.error({ err, channel: 'agents' }, 'agent list broadcast failed'),
  });
  let revocations: Subscription | undefined;
  let started = false;

  return {
    handle,
    directory,
    async start() {
      directory.onChange(() => listUpdates.signal());
      revocations = (await gatePromise).closeRevoked(handle, claimsOf);
      await directory.start();
      listUpdates.settle();
      started = true;
    },
    ready: () => started && !handle.draining,
    drain: () => handle.drain(),
    async stop() {
      revocations?.unsubscribe();
      listUpdates.stop();
      handle.stop();
      directory.stop();
      (await gatePromise).stop();
    },
  };
}
