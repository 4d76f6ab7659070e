/**
 * Probe preloaded into a server under test (`--expose-gc --import <this file>`), so the product
 * needs no benchmark hook. On SIGUSR2 it reads the command in `<BENCH_PROBE_FILE>.cmd` and writes
 * its answer, with an increasing `seq`, to BENCH_PROBE_FILE:
 *   mem                 two full GCs, then {"seq","rss","heapUsed","heapTotal","external","arrayBuffers"}
 *   prof-start          starts the V8 CPU profiler (inspector session in this process)
 *   prof-stop <path>    stops it and writes the .cpuprofile to <path>
 * The harness reads the answer once `seq` has moved past the value it saw before signalling.
 */
import { Session } from 'node:inspector';
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_PROBE_FILE;
let seq = 0;
let session: Session | undefined;

function answer(body: Record<string, unknown>): void {
  seq++;
  writeFileSync(file!, JSON.stringify({ seq, ...body }));
}

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => session!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
}

async function run(cmd: string): Promise<void> {
  const [verb, arg] = cmd.trim().split(/\s+/);
  if (verb === 'prof-start') {
    session ??= new Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    return answer({ ok: true });
  }
  if (verb === 'prof-stop' && session && arg) {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(arg, JSON.stringify(profile));
    session.disconnect();
    session = undefined;
    return answer({ ok: true, path: arg });
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  answer({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });
}

if (file) {
  process.on('SIGUSR2', () => {
    let cmd = 'mem';
    try {
      cmd = readFileSync(`${file}.cmd`, 'utf8');
    } catch {
      // no command file: memory
    }
    run(cmd).catch((err: unknown) => answer({ error: String(err) }));
  });
}
