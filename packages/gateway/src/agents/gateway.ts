/**
 * Wires the agents channel: the directory read model → the bare list of every agent (encoded
 * once per change, sent on auth and published to every authenticated socket), jose verification
 * with the revocation bucket, and the closing of an unregistered agent's sockets.
 */
import { mountEndpoint } from '@arcp/ws-engine';
import { Topics, effectiveStatus, encodeFrame, toWsAgent } from '@arcp/protocol';
import type { Subscription } from '@arcp/service-kit';
import { createCredentialGate } from '../credentials';
import type { AgentDirectory } from '../directory';
import { gatewayDirectory, requireTokens, type Gateway, type GatewayDeps } from '../kit';
import { claimsOf, createAgentsChannel } from './channel';
import type { AgentsChannelConfig } from './config';

export type AgentsGatewayDeps = GatewayDeps<AgentsChannelConfig>;

export interface AgentsGateway extends Gateway {
  readonly directory: AgentDirectory;
}

export function createAgentsGateway(deps: AgentsGatewayDeps): AgentsGateway {
  const { config } = deps;
  const now = deps.now ?? Date.now;
  const timeoutMs = config.AGENT_HEARTBEAT_TIMEOUT * 1000;
  const directory = gatewayDirectory(deps, config.AGENT_WS_COALESCE_MS);
  let list: Buffer | undefined;
  const currentList = () => {
    if (!list) {
      const t = now();
      list = encodeFrame(directory.all().map((a) => toWsAgent(a, effectiveStatus(a, t, timeoutMs))));
    }
    return list;
  };
  const gatePromise = createCredentialGate({ bus: deps.bus, prefix: config.ARCP_BUS_PREFIX, tokens: requireTokens(deps, 'agents'), logger: deps.logger, now });
  const channel = createAgentsChannel({
    limits: deps.limits,
    // A temp registration token is not accepted here (CONTRACT "Do better" 4).
    verify: async (token) => (await gatePromise).verify(token, ['agent', 'admin']),
    currentList,
  });
  const handle = mountEndpoint(deps.app, channel, { logger: deps.logger, registry: deps.registry, bus: deps.bus, trustProxy: deps.trustProxy });
  let revocations: Subscription | undefined;
  let started = false;

  return {
    handle,
    directory,
    async start() {
      directory.onChange(() => {
        list = undefined;
        handle.publish(Topics.agentsList, currentList(), 'agent_list');
      });
      revocations = (await gatePromise).closeRevoked(handle, claimsOf);
      await directory.start();
      started = true;
    },
    ready: () => started && !handle.draining,
    drain: () => handle.drain(),
    async stop() {
      revocations?.unsubscribe();
      handle.stop();
      directory.stop();
      (await gatePromise).stop();
    },
  };
}
