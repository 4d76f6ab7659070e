/** @arcp/registry: the agent directory service (HTTP routes, liveness, events). */
export { createRegistry } from './registry';
export type { RegistryDeps, RegistryService } from './registry';
export { RegistryEnv, DEFAULT_AGENT_TYPES } from './config';
export type { RegistryConfig } from './config';
