/**
 * `pnpm start:cluster [--replicas N]`: the distributed topology as local processes (see
 * cluster.ts), nginx as the edge on EDGE_PORT (default 8001). Secrets that are not set are
 * generated and printed once. Ctrl-C / SIGTERM: edge first, then the services drain, then NATS.
 */
import { startLocalCluster } from './cluster';

function parseReplicas(argv: string[]): number {
  const i = argv.findIndex((a) => a === '--replicas' || a.startsWith('--replicas='));
  if (i < 0) return 2;
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--replicas needs a positive integer, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const cluster = await startLocalCluster({ replicas: parseReplicas(process.argv.slice(2)), interactive: true });
  if (cluster.generated.length) {
    console.log('\nGenerated for this run (set them in the environment to keep them):');
    for (const name of cluster.generated) console.log(`  ${name}=${cluster.env[name]}`);
  }
  const ws = cluster.http.replace(/^http/, 'ws');
  console.log(`\nARCP cluster mode is running behind ${cluster.http}`);
  console.log(`  ${ws}/public/ws   ${ws}/agents/ws   ${ws}/dashboard/ws`);
  console.log(`  ${cluster.procs.length} processes; Ctrl-C stops them all gracefully\n`);
  let stopping = false;
  const shutdown = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the edge, draining the services, then NATS…`);
    void cluster.stop().then(() => process.exit(code));
  };
  // The children have their own process groups (Ctrl-C reaches only us): never leave them behind.
  process.on('exit', () => {
    for (const p of cluster.procs) if (!p.isExited()) p.child.kill('SIGKILL');
  });
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  for (const proc of cluster.procs) {
    void proc.exited.then((code) => {
      if (!stopping) shutdown(`${proc.name} exited unexpectedly (${code})`, 1);
    });
  }
}

main().catch((err: unknown) => {
  console.error(`cluster: ${(err as Error).message}`);
  process.exit(1);
});
