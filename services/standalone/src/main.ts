/**
 * `pnpm start`: runs the standalone product until SIGTERM/SIGINT, printing generated secrets
 * once and draining gracefully on shutdown.
 */
import { ConfigError, createLogger, createShutdown } from '@arcp/service-kit';
import { ListenError } from '@arcp/ws-engine';
import { secretsBanner } from './secrets';
import { startStandalone } from './standalone';

async function main(): Promise<void> {
  const logger = createLogger({ service: 'arcp', level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
  let product;
  try {
    product = await startStandalone({ logger });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`arcp: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof ListenError) {
      // Another ARCP (or anything else) holds the port: never share it.
      process.stderr.write(`arcp: ${err.message} (ARCP_PORT, ARCP_HOST)\n`);
      process.exit(1);
    }
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

main().catch((err: unknown) => {
  process.stderr.write(`arcp: failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
