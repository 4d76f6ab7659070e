/** @arcp/standalone: the whole product in one process on one port (`pnpm start`). */
export { startStandalone, type Standalone, type StandaloneOptions } from './standalone';
export { StandaloneEnv, type StandaloneConfig } from './config';
export { fillSecrets, secretsBanner, type GeneratedSecret } from './secrets';
