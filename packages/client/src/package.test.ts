/**
 * What makes @arcp/client (and the @arcp/protocol it depends on) publishable: public, semver,
 * licensed, typed exports that do not point at sources once published, no build artefacts
 * beyond JS, types and maps, and no run-time dependency besides the protocol package.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(__dirname, '../..', dir, 'package.json'), 'utf8')) as Record<string, unknown>;

describe.each(['client', 'protocol'])('@arcp/%s package.json', (dir) => {
  const pkg = manifest(dir);

  it('is public, semver, licensed and for Node 20', () => {
    expect(pkg.private).toBe(false);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.engines).toEqual({ node: '>=20.19' });
    expect(pkg.sideEffects).toBe(false);
  });

  it('publishes typed exports without the workspace source condition, and only dist', () => {
    const exportsMap = (pkg.publishConfig as { exports: Record<string, unknown> }).exports;
    for (const [path, target] of Object.entries(exportsMap)) {
      if (path === './package.json') continue;
      expect(target).toEqual({
        types: expect.stringMatching(/^\.\/dist\/.+\.d\.ts$/),
        default: expect.stringMatching(/^\.\/dist\/.+\.js$/),
      });
    }
    expect(Object.keys(exportsMap)).toEqual(Object.keys(pkg.exports as object));
    expect(pkg.files).toEqual(['dist', '!dist/.tsbuildinfo', 'README.md']);
  });
});

it('@arcp/client depends at run time on @arcp/protocol only (ws is an optional peer)', () => {
  const pkg = manifest('client');
  expect(Object.keys(pkg.dependencies as object)).toEqual(['@arcp/protocol']);
  expect(pkg.peerDependenciesMeta).toEqual({ ws: { optional: true } });
});
