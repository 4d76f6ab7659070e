/** The standalone product in-process on a free port, with the e2e suite's fast settings. */
import { suiteEnv } from '@arcp/e2e';
import { startStandalone } from '@arcp/standalone';
import { freePort } from '@arcp/testkit';

export async function startServer(): Promise<{ url: string; env: Record<string, string>; stop(): Promise<void> }> {
  const port = await freePort();
  const env: Record<string, string> = { ...suiteEnv(), LOG_LEVEL: 'fatal', ARCP_HOST: '127.0.0.1', ARCP_PORT: String(port), OPS_HOST: '127.0.0.1', OPS_PORT: '0' };
  const product = await startStandalone({ env });
  return { url: `http://127.0.0.1:${port}`, env, stop: () => product.stop() };
}
