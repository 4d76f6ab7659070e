/**
 * Static checks of the Dockerfile and .dockerignore (no Docker engine here): a glibc Node 20
 * runtime, the SERVICE build argument, a lockfile install, production-only dependencies, a
 * non-root user, the ops-port readiness HEALTHCHECK and the exposed ports; and that every
 * image the deployment files ask for is a service the Dockerfile can build.
 */
export interface Stage {
  from: string;
  name?: string;
  lines: string[];
}

/** Instructions per stage, with `\` continuations joined and comments dropped. */
export function stages(dockerfile: string): Stage[] {
  const logical = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = Object.fromEntries(logical.filter((l) => /^ARG \w+=/.test(l)).map((l) => l.slice(4).split('=') as [string, string]));
  const out: Stage[] = [];
  for (const line of logical) {
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) out.push({ from: from[1]!.replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? `\${${n}}`), name: from[2], lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

export function dockerfilePolicy(dockerfile: string, dockerignore: string): string[] {
  const out: string[] = [];
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
  const ignored = dockerignore.split('\n').map((l) => l.trim());
  for (const pattern of ['**/node_modules', '**/dist', '.git', '.env']) if (!ignored.includes(pattern)) out.push(`.dockerignore must exclude ${pattern}`);
  return out;
}
