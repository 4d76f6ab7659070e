/** The standalone product as its own process, with the e2e suite's fast settings. */
import { startStandaloneProduct } from '@arcp/e2e';

export async function startServer(): Promise<{ url: string; env: Readonly<Record<string, string>>; stop(): Promise<void> }> {
  const topo = await startStandaloneProduct();
  return { url: topo.http, env: topo.env, stop: () => topo.stop() };
}
