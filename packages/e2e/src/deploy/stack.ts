/**
 * One docker-compose.yml stack under test: a unique project name, the variables it is
 * interpolated with (generated secrets, free host ports, the image tag under test), and the
 * operations the deployment test performs on it (up, health waits, scale, kill, stop/start,
 * per-replica metrics, down). The driver creates it; the Jest suite gets the same description
 * through ARCP_DEPLOY_STACK and drives the same stack.
 */
import { resolve } from 'node:path';
import { docker, must, runCmd, type CmdOptions, type CmdResult } from './docker';

export const ROOT = resolve(__dirname, '../../../..');

export interface StackSpec {
  /** Compose command (argv prefix): ["docker", "compose"] or ["docker-compose"]. */
  compose: string[];
  project: string;
  /** Compose files, absolute: the repository's, then the suite's override. */
  files: string[];
  /** Interpolation variables (secrets, ports, image names); never printed. */
  vars: Record<string, string>;
  edgePort: number;
  prometheusPort: number;
  /** Settings the app services run with (the e2e suite's), secrets included. */
  serviceEnv: Record<string, string>;
}

export interface ContainerState {
  id: string;
  name: string;
  service: string;
  /** created | running | restarting | exited | dead | ... */
  status: string;
  /** healthy | unhealthy | starting | none */
  health: string;
  restarts: number;
  ip: string;
}

interface Inspected {
  Id: string;
  Name: string;
  RestartCount: number;
  Config: { Labels: Record<string, string> };
  State: { Status: string; Health?: { Status: string } };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ComposeStack {
  constructor(readonly spec: StackSpec) {}

  static readonly ENV = 'ARCP_DEPLOY_STACK';

  /** The stack the driver started, from the environment; null outside `pnpm test:deploy`. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ComposeStack | null {
    const raw = env[ComposeStack.ENV];
    if (!raw) return null;
    let spec: Partial<StackSpec>;
    try {
      spec = JSON.parse(raw) as Partial<StackSpec>;
    } catch {
      throw new Error(`${ComposeStack.ENV} is not JSON`);
    }
    const ok =
      Array.isArray(spec.compose) &&
      spec.compose.length > 0 &&
      typeof spec.project === 'string' &&
      Array.isArray(spec.files) &&
      Number.isInteger(spec.edgePort) &&
      Number.isInteger(spec.prometheusPort) &&
      typeof spec.vars === 'object' &&
      typeof spec.serviceEnv?.AGENT_KEYS === 'string';
    if (!ok) throw new Error(`${ComposeStack.ENV} does not describe a stack (compose, project, files, vars, ports, serviceEnv)`);
    return new ComposeStack(spec as StackSpec);
  }

  toEnv(): Record<string, string> {
    return { [ComposeStack.ENV]: JSON.stringify(this.spec) };
  }

  get edgeUrl(): string {
    return `http://127.0.0.1:${this.spec.edgePort}`;
  }

  get prometheusUrl(): string {
    return `http://127.0.0.1:${this.spec.prometheusPort}`;
  }

  compose(args: readonly string[], opts: CmdOptions = {}): Promise<CmdResult> {
    const [cmd, ...pre] = this.spec.compose;
    const files = this.spec.files.flatMap((f) => ['-f', f]);
    return runCmd(cmd!, [...pre, '-p', this.spec.project, ...files, ...args], {
      cwd: ROOT,
      ...opts,
      env: { ...process.env, ...this.spec.vars },
    });
  }

  /** Starts `services` from the images already built (never builds, never pulls). */
  async up(services: readonly string[]): Promise<void> {
    await must('compose up', this.compose(['up', '-d', '--no-build', ...services]));
  }

  /** `--scale service=n` without touching the other services. */
  async scale(service: string, n: number): Promise<void> {
    await must(
      `scale ${service}=${n}`,
      this.compose(['up', '-d', '--no-build', '--no-deps', '--no-recreate', '--scale', `${service}=${n}`, service]),
    );
  }

  async stop(service: string): Promise<void> {
    await must(`stop ${service}`, this.compose(['stop', service]));
  }

  async start(service: string): Promise<void> {
    await must(`start ${service}`, this.compose(['start', service]));
  }

  /** Removes containers, networks and volumes; tolerant of a stack that never came up. */
  down(): Promise<CmdResult> {
    return this.compose(['down', '-v', '--remove-orphans', '-t', '15']);
  }

  async logs(tail = 60, service?: string): Promise<string> {
    return (await this.compose(['logs', '--no-color', '--tail', String(tail), ...(service ? [service] : [])])).output;
  }

  /** Every container of the project (or of one service), as Docker reports it now. */
  async containers(service?: string): Promise<ContainerState[]> {
    const filters = ['--filter', `label=com.docker.compose.project=${this.spec.project}`];
    if (service) filters.push('--filter', `label=com.docker.compose.service=${service}`);
    const ids = (await must('docker ps', docker(['ps', '-aq', ...filters]))).stdout.split('\n').filter(Boolean);
    if (!ids.length) return [];
    const inspected = JSON.parse((await must('docker inspect', docker(['inspect', ...ids]))).stdout) as Inspected[];
    return inspected.map((c) => ({
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      service: c.Config.Labels['com.docker.compose.service'] ?? '',
      status: c.State.Status,
      health: c.State.Health?.Status ?? 'none',
      restarts: c.RestartCount,
      ip: Object.values(c.NetworkSettings.Networks)[0]?.IPAddress ?? '',
    }));
  }

  /**
   * Waits until each service has exactly `counts[service]` running containers, every one
   * healthy (or running, for a service without a healthcheck). A container that exits fails
   * the wait at once, with its logs, unless `restarting` says Docker is expected to restart it.
   */
  async waitHealthy(counts: Readonly<Record<string, number>>, opts: { timeoutMs?: number; restarting?: boolean } = {}): Promise<number> {
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const started = Date.now();
    let last = '';
    while (Date.now() - started < timeoutMs) {
      const all = await this.containers();
      const dead = !opts.restarting && all.find((c) => counts[c.service] !== undefined && (c.status === 'exited' || c.status === 'dead'));
      if (dead) throw new Error(`${dead.name} ${dead.status}:\n${await this.logs(80, dead.service)}`);
      const ok = Object.entries(counts).every(([service, n]) => {
        const mine = all.filter((c) => c.service === service && c.status === 'running');
        return mine.length === n && mine.every((c) => c.health === 'healthy' || c.health === 'none');
      });
      if (ok) return Date.now() - started;
      last = all.map((c) => `${c.name}: ${c.status}/${c.health}`).join(', ');
      await sleep(500);
    }
    throw new Error(`not healthy within ${timeoutMs} ms: ${last}\n${await this.logs(40)}`);
  }

  /**
   * `docker kill`: Docker counts it as a manual stop, so the restart policy leaves the
   * container down until it is started again (`up`).
   */
  async kill(containerId: string): Promise<void> {
    await must('docker kill', docker(['kill', '--signal', 'KILL', containerId]));
  }

  /** A graceful restart of one container: SIGTERM, up to 30 s to drain, then start. */
  async restart(containerId: string): Promise<void> {
    await must('docker restart', docker(['restart', '-t', '30', containerId]));
  }

  /**
   * A crash: SIGKILL to the service's own process (`node … dist/main.js`, not the init process
   * that `init: true` puts at pid 1) inside the container. The container exits on its own, so
   * the restart policy applies.
   */
  async crash(containerId: string): Promise<void> {
    const script = [
      "const fs=require('fs');",
      "const pid=fs.readdirSync('/proc').filter(p=>/^\\d+$/.test(p)&&p!=='1'&&Number(p)!==process.pid)",
      ".find(p=>{try{const a=fs.readFileSync('/proc/'+p+'/cmdline','utf8').split('\\0');return /(^|\\/)node$/.test(a[0])&&a.includes('dist/main.js')}catch{return false}});",
      "if(!pid){console.error('no node dist/main.js process');process.exit(1)}process.kill(Number(pid),'SIGKILL');",
    ].join('');
    await must('crash (SIGKILL inside the container)', docker(['exec', containerId, 'node', '-e', script]));
  }

  /** One replica's own /metrics, read on its ops port from inside its container. */
  async metricsOf(containerId: string): Promise<string> {
    const script =
      "fetch('http://127.0.0.1:9464/metrics').then(r=>r.text()).then(t=>process.stdout.write(t),e=>{console.error(e.message);process.exit(1)})";
    return (await must('docker exec (metrics)', docker(['exec', containerId, 'node', '-e', script]))).stdout;
  }
}

/** A sample of one Prometheus text-format series (first match), or null when absent. */
export function sampleOf(metricsText: string, series: string): number | null {
  const line = metricsText.split('\n').find((l) => l.startsWith(`${series} `));
  return line
    ? Number(
        line
          .slice(series.length + 1)
          .trim()
          .split(/\s+/)[0],
      )
    : null;
}
