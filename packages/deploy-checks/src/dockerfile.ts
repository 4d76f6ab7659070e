/**
 * Static checks of the Dockerfile and .dockerignore: a glibc Node 20 runtime, the SERVICE build
 * argument, a lockfile install, production-only dependencies, a non-root user, the ops-port
 * readiness HEALTHCHECK and the exposed ports; a file the classic builder (DOCKER_BUILDKIT=0)
 * builds without pulling anything; layers shared by every service (SERVICE read only after the
 * workspace build); no hard-coded list of workspace packages; pnpm and image versions equal to
 * package.json's. `pnpm test:deploy` builds the images for real.
 */
export interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** Instructions per stage, with `\` continuations joined and comments dropped. */
export function stages(dockerfile: string): Stage[] {
  const logical = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = Object.fromEntries(logical.filter((l) => /^ARG \w+=/.test(l)).map((l) => l.slice(4).split('=') as [string, string]));
  const out: Stage[] = [];
  for (const line of logical) {
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) out.push({ from: from[1]!.replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? `\${${n}}`), name: from[2], lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

/** What the Dockerfile's version defaults must equal: package.json's. */
export interface RepoVersions {
  /** packageManager's pnpm version. */
  pnpm: string;
  /** The root package version (the default image tag). */
  release: string;
}

/** BuildKit-only syntax: the classic builder fails on it, or (`# syntax=`) BuildKit pulls a frontend image. */
const BUILDKIT_ONLY: Array<[RegExp, string]> = [
  [/^#\s*syntax\s*=/im, 'a `# syntax=` directive (BuildKit pulls the frontend image; offline builds fail)'],
  [/^\s*RUN\s+(--\w+[^\n]*\s+)?--mount\b/im, 'RUN --mount (BuildKit only)'],
  [/^\s*(COPY|ADD)\s+[^\n]*--(parents|link|exclude)\b/im, 'COPY --parents/--link/--exclude (BuildKit only)'],
  [/^\s*RUN\s+<<[-\w]/im, 'a RUN heredoc (BuildKit only)'],
];

export function dockerfilePolicy(dockerfile: string, dockerignore: string, versions?: RepoVersions): string[] {
  const out: string[] = [];
  for (const [re, what] of BUILDKIT_ONLY) if (re.test(dockerfile)) out.push(`${what}: the file must build with DOCKER_BUILDKIT=0`);
  const all = stages(dockerfile);
  const final = all.at(-1);
  if (!final) return ['no FROM'];
  const has = (s: Stage, re: RegExp) => s.lines.some((l) => re.test(l));
  if (final.from !== 'node:20-bookworm-slim') out.push(`runtime image is ${final.from}, not node:20-bookworm-slim (uWS needs glibc)`);
  if (!all.some((s) => has(s, /^ARG SERVICE\b/))) out.push('no ARG SERVICE');
  if (!all.some((s) => has(s, /pnpm install --frozen-lockfile/))) out.push('dependencies must be installed with --frozen-lockfile');
  if (!all.some((s) => has(s, /pnpm .*deploy --prod/))) out.push('no production-only deploy (pnpm deploy --prod)');
  const user = final.lines.filter((l) => /^USER /.test(l)).at(-1);
  if (!user || /^USER (root|0)(:|$)/.test(user)) out.push('the runtime stage must switch to a non-root USER');
  if (!has(final, /^HEALTHCHECK .*\/readyz/)) out.push('the runtime stage needs a HEALTHCHECK on /readyz');
  const exposed = final.lines.filter((l) => l.startsWith('EXPOSE ')).flatMap((l) => l.split(/\s+/).slice(1));
  for (const port of ['8080', '9464']) if (!exposed.includes(port)) out.push(`EXPOSE ${port} is missing`);
  if (!has(final, /^CMD .*dist\/main\.js/)) out.push('CMD must run dist/main.js');
  // Shared layers: the stage reading SERVICE comes after the one compiling the whole workspace,
  // so the five images share the install and the build.
  const firstService = all.findIndex((s) => has(s, /^ARG SERVICE\b/));
  const workspaceBuild = all.findIndex((s) => has(s, /tsc -b tsconfig\.build\.json/));
  if (workspaceBuild < 0) out.push('no stage compiles the whole workspace (tsc -b tsconfig.build.json) once for every service');
  else if (firstService >= 0 && firstService <= workspaceBuild)
    out.push('SERVICE is read before the workspace build: every service would redo the install and the compile');
  for (const s of all) {
    for (const l of s.lines) {
      if (/^(COPY|ADD)\b(?!.*--from)/.test(l) && /\s(packages|services)\/[\w-]+/.test(l))
        out.push(`"${l}" names a workspace package: derive the list from the workspace`);
    }
  }
  if (versions) {
    const pnpm = /^ARG PNPM_VERSION=(\S+)/m.exec(dockerfile)?.[1];
    if (pnpm !== versions.pnpm) out.push(`ARG PNPM_VERSION=${pnpm ?? '(missing)'} differs from packageManager pnpm@${versions.pnpm}`);
    const release = /^ARG VERSION=(\S+)/m.exec(dockerfile)?.[1];
    if (release !== versions.release)
      out.push(`ARG VERSION=${release ?? '(missing)'} differs from package.json's version ${versions.release}`);
  }
  const ignored = dockerignore.split('\n').map((l) => l.trim());
  for (const pattern of ['**/node_modules', '**/dist', '.git', '.env'])
    if (!ignored.includes(pattern)) out.push(`.dockerignore must exclude ${pattern}`);
  return out;
}
