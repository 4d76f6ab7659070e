/**
 * Makes sure a Docker engine and a Compose command are there before anything is built. When one
 * is missing the setup tool runs: ARCP_DOCKER_SETUP if set, else under CI=true the repository's
 * .ci/docker-offline.sh (Docker and docker-compose from Debian, dockerd, local stand-ins for
 * the base images where no image registry is reachable). Elsewhere a missing engine is an error
 * that says what to do: the tool's stand-in images are not wanted where real ones can be pulled.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { engineAnswers, findCompose, runCmd } from './docker';
import { ROOT } from './stack';

export const OFFLINE_TOOL = join(ROOT, '.ci/docker-offline.sh');

export interface EngineReady {
  compose: string[];
  /** The setup tool ran (and how long it took). */
  setupMs: number | null;
}

/** The setup tool this environment allows, or null. */
export function setupTool(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ARCP_DOCKER_SETUP) return env.ARCP_DOCKER_SETUP;
  return env.CI === 'true' && existsSync(OFFLINE_TOOL) ? OFFLINE_TOOL : null;
}

export async function ensureEngine(env: NodeJS.ProcessEnv = process.env): Promise<EngineReady> {
  const ready = async () => ((await engineAnswers()) ? findCompose(env) : null);
  let compose = await ready();
  if (compose) return { compose, setupMs: null };
  const tool = setupTool(env);
  if (!tool) {
    throw new Error(
      'no Docker engine with Compose answers. Start one (Compose v2 or docker-compose v1.29). On a machine ' +
        `that reaches no image registry, as root: bash ${OFFLINE_TOOL} (or set ARCP_DOCKER_SETUP to it).`,
    );
  }
  const started = Date.now();
  const r = await runCmd('bash', [tool], { stream: true, env });
  if (r.code !== 0) throw new Error(`${tool} failed (exit ${r.code})`);
  compose = await ready();
  if (!compose) throw new Error(`${tool} ran, yet no Docker engine with Compose answers`);
  return { compose, setupMs: Date.now() - started };
}
