// Writes each workspace member's tsconfig.build.json from its package.json dependencies, so the
// project references used by `pnpm build` can never drift from the declared dependency graph.
import { readFileSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dirs = ['packages', 'services'].flatMap((top) =>
  readdirSync(join(root, top))
    .map((d) => join(root, top, d))
    .filter((d) => existsSync(join(d, 'package.json'))),
);
// Only packages that ship compiled output take part in the build; test-only packages (testkit,
// e2e, bench, deploy-checks) are used from source by Jest and never compiled.
const builds = (d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).scripts?.build !== undefined;
for (const d of dirs.filter((d) => !builds(d))) rmSync(join(d, 'tsconfig.build.json'), { force: true });
dirs.splice(0, dirs.length, ...dirs.filter(builds));
function existingInclude(dir) {
  const file = join(dir, 'tsconfig.build.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).include : undefined;
}
const byName = new Map(dirs.map((d) => [JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name, d]));
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const refs = Object.keys({ ...pkg.dependencies })
    .filter((n) => byName.has(n))
    .map((n) => ({ path: join(relative(dir, byName.get(n)), 'tsconfig.build.json') }));
  const config = {
    extends: join(relative(dir, root), 'tsconfig.base.json'),
    compilerOptions: { composite: true, rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    // A package whose src/ also holds code for another program (dashboard-ui's browser page)
    // keeps the include list it narrowed by hand.
    include: existingInclude(dir) ?? ['src/**/*.ts'],
    exclude: ['src/**/*.test.ts', 'src/**/*.int.test.ts', 'src/**/test-support/**'],
    references: refs,
  };
  writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify(config, null, 2) + '\n');
}
const rootConfig = { files: [], references: dirs.map((d) => ({ path: join(relative(root, d), 'tsconfig.build.json') })) };
writeFileSync(join(root, 'tsconfig.build.json'), JSON.stringify(rootConfig, null, 2) + '\n');
