/**
 * `pnpm start:cluster [--replicas N] [--nats N]`: the distributed topology as local processes
 * (see cluster.ts), nginx as the edge on EDGE_PORT (default 8001); `--nats 3` runs a three-node
 * JetStream cluster instead of one nats-server. Secrets that are not set are generated and
 * printed once. Two registry processes share the edge's registry route. Every child is
 * supervised: one that dies is started again with backoff (NATS on the same port and store), and
 * only a failure during the start stops everything. Ctrl-C / SIGTERM: edge first, then the
 * services drain, then NATS, and a summary of the restarts.
 */
import { startLocalCluster } from './cluster';
import { parseCount } from './args';
import type { ManagedProc } from './process';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const replicas = parseCount(argv, '--replicas', 2);
  const nats = parseCount(argv, '--nats', 1);
  // Signals are handled from the first instant: during the start they abort it (what was
  // started is stopped), so no child is ever left behind.
  const children: ManagedProc[] = [];
  const starting = new AbortController();
  const early = (sig: NodeJS.Signals) => () => {
    console.log(`\n${sig} during start: stopping what was started…`);
    starting.abort();
  };
  process.once('SIGINT', early('SIGINT'));
  process.once('SIGTERM', early('SIGTERM'));
  // The children have their own process groups (Ctrl-C reaches only us): never leave them behind.
  process.on('exit', () => {
    for (const p of children) if (!p.isExited()) p.child.kill('SIGKILL');
  });
  const cluster = await startLocalCluster({
    replicas,
    registryReplicas: 2,
    supervise: true,
    nats,
    interactive: true,
    signal: starting.signal,
    onProcess: (p) => children.push(p),
  });
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  if (cluster.generated.length) {
    console.log('\nGenerated for this run (set them in the environment to keep them):');
    for (const name of cluster.generated) console.log(`  ${name}=${cluster.env[name]}`);
  }
  const ws = cluster.http.replace(/^http/, 'ws');
  console.log(`\nARCP cluster mode is running behind ${cluster.http}`);
  console.log(`  ${ws}/public/ws   ${ws}/agents/ws   ${ws}/dashboard/ws`);
  if (cluster.nats && cluster.nats.nodes.length > 1)
    console.log(`  NATS: a JetStream cluster of ${cluster.nats.nodes.length} nodes at ${cluster.nats.url}`);
  console.log(`  ${cluster.procs.length} processes, each restarted if it dies; Ctrl-C stops them all gracefully\n`);
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the edge, draining the services, then NATS…`);
    const restarted = Object.entries(cluster.restarts()).filter(([, n]) => n > 0);
    console.log(restarted.length ? `restarts: ${restarted.map(([name, n]) => `${name} ${n}`).join(', ')}` : 'restarts: none');
    void cluster.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`cluster: ${(err as Error).message}`);
  process.exit(1);
});
