/**
 * `pnpm start`: runs the standalone product until SIGTERM/SIGINT, printing generated secrets
 * once and draining gracefully on shutdown. Every variable is validated before anything starts;
 * a startup failure is one line on stderr and an exit status telling the kind apart
 * (docs/configuration.md, "Exit status").
 */
import { ARCP_VERSION, ConfigError, createLogger, createShutdown, EXIT_CONFIG, EXIT_STARTUP_FAILED } from '@arcp/service-kit';
import { ListenError } from '@arcp/ws-engine';
import { secretsBanner } from './secrets';
import { loadStandaloneConfig, startStandalone, type LoadedConfig } from './standalone';

function fail(line: string, status: number): never {
  process.stderr.write(`arcp: ${line}\n`);
  process.exit(status);
}

async function main(): Promise<void> {
  let loaded: LoadedConfig;
  try {
    loaded = loadStandaloneConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, EXIT_CONFIG);
    throw err;
  }
  const logger = createLogger({
    service: 'arcp',
    level: loaded.config.LOG_LEVEL,
    format: loaded.config.LOG_FORMAT,
    base: { version: ARCP_VERSION },
  });
  let product;
  try {
    product = await startStandalone({ loaded, logger });
  } catch (err) {
    // Another ARCP (or anything else) holds the port: never share it.
    if (err instanceof ListenError) fail(`${err.message} (ARCP_PORT, ARCP_HOST)`, EXIT_STARTUP_FAILED);
    throw err;
  }
  process.stdout.write(secretsBanner(product.generated));
  process.stdout.write(
    `ARCP is running on http://localhost:${product.port}\n` +
      `  ws://localhost:${product.port}/public/ws   ws://localhost:${product.port}/agents/ws   ws://localhost:${product.port}/dashboard/ws\n` +
      `  metrics and probes: http://localhost:${product.opsPort}/metrics /healthz /readyz\n`,
  );
  const shutdown = createShutdown({ logger, timeoutMs: product.config.SHUTDOWN_TIMEOUT_S * 1000 });
  shutdown.onShutdown('stop ARCP', () => product.stop());
  shutdown.installSignalHandlers();
}

main().catch((err: unknown) => fail(`failed to start: ${(err as Error).stack ?? String(err)}`, EXIT_STARTUP_FAILED));
