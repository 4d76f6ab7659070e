/**
 * README's run commands as a user runs them, and as a supervisor stops them: SIGTERM to the
 * `pnpm` process reaches the servers, which drain and exit (nothing is left running).
 */
import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort, ROOT, spawnManaged, waitHttpOk, type ManagedProc } from '@arcp/cluster';
import { describeWithNats, waitFor } from '@arcp/testkit';

const pnpm = (() => {
  try {
    return execSync('command -v pnpm', { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

/** Pids of the processes (other than pnpm itself) whose environment holds `marker` (`NAME=value`): what one launch started. */
function launched(marker: string, except: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === except || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) pids.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

async function stopWithSigterm(proc: ManagedProc, marker: string, expected: number): Promise<void> {
  expect(launched(marker, proc.pid).length).toBeGreaterThanOrEqual(expected);
  process.kill(proc.pid, 'SIGTERM');
  await waitFor(() => launched(marker, proc.pid).length === 0, { timeoutMs: 40_000, what: `every process started with ${marker} gone` });
}

(pnpm ? describe : describe.skip)('stopping what README starts', () => {
  it('SIGTERM to `pnpm start` drains and stops the server', async () => {
    const [port, opsPort] = [await freePort(), await freePort()];
    const marker = `ARCP_LAUNCH_TEST=${port}`;
    const proc = spawnManaged('pnpm-start', pnpm, ['start'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ARCP_PORT: String(port),
        OPS_PORT: String(opsPort),
        LOG_LEVEL: 'info',
        ARCP_LAUNCH_TEST: String(port),
        CI: undefined,
      },
    });
    await waitHttpOk(proc, `http://127.0.0.1:${opsPort}/readyz`, 60_000);
    await stopWithSigterm(proc, marker, 1);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(proc.output()).toContain('shutdown complete');
  }, 90_000);

  describeWithNats('cluster mode', () => {
    it('SIGTERM to `pnpm start:cluster` stops the edge, every service and NATS', async () => {
      const edgePort = await freePort();
      const proc = spawnManaged('pnpm-start-cluster', pnpm, ['start:cluster', '--replicas', '1'], {
        cwd: ROOT,
        env: { ...process.env, EDGE_PORT: String(edgePort), LOG_LEVEL: 'warn', CI: undefined, NATS_URL: undefined },
      });
      await waitHttpOk(proc, `http://127.0.0.1:${edgePort}/health`, 90_000);
      // nats-server, the registry, the metrics service, one replica of each gateway, nginx.
      try {
        await stopWithSigterm(proc, `EDGE_PORT=${edgePort}`, 7);
      } catch (err) {
        console.log(
          proc
            .output()
            .split('\n')
            .filter((l) => !l.startsWith('[nats]'))
            .slice(-30)
            .join('\n'),
        );
        throw err;
      }
    }, 120_000);
  });
});
