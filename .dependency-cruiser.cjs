/**
 * The dependency rules of the tree (docs/design.md shows the parts): `pnpm deps:check` fails, and
 * with it `pnpm test`, when an import breaks one of them.
 */
const PKG = (name) => `^packages/${name}/`;
const SERVICE = (name) => `^services/${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'protocol-depends-on-nothing',
      comment: 'The wire format is the root of the tree: it imports no other part of it.',
      severity: 'error',
      from: { path: PKG('protocol') },
      to: { path: '^(packages|services)/', pathNot: PKG('protocol') },
    },
    {
      name: 'only-ws-engine-touches-uws',
      comment: 'uWebSockets.js is loaded by @arcp/ws-engine alone (native loading, fail loudly).',
      severity: 'error',
      from: { pathNot: PKG('ws-engine') },
      to: { path: 'node_modules/.*(uWebSockets\\.js|uws-js-unofficial)' },
    },
    {
      name: 'services-never-import-services',
      comment: 'Services talk over the bus only; the standalone process alone composes them.',
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: SERVICE('standalone') },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'packages-never-import-services',
      comment: 'Shared parts do not depend on a deployable service (bench and e2e run them as processes).',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^services/' },
    },
    {
      name: 'only-gateways-import-the-gateway',
      comment: 'Channel logic belongs to the gateway services (and the standalone process that hosts them).',
      severity: 'error',
      from: { path: '^services/', pathNot: '^services/(gateway-[^/]+|standalone)/' },
      to: { path: PKG('gateway') },
    },
    {
      name: 'listenerless-services-do-not-load-the-engine',
      comment: 'The metrics service has no public listener: it must not load the uWS engine.',
      severity: 'error',
      from: { path: SERVICE('metrics') },
      to: { path: `${PKG('ws-engine')}|${PKG('gateway')}` },
    },
    {
      name: 'no-reaching-into-another-package',
      comment: "Packages are used through their entry points, never through another package's internals.",
      severity: 'error',
      from: { path: '^(packages|services)/([^/]+)/src/' },
      to: {
        path: '^(packages|services)/([^/]+)/src/',
        pathNot: [
          '^$1/$2/src/',
          // Entry points (package.json exports).
          '^packages/[^/]+/src/(index|testing|wire)\\.ts$',
          '^services/[^/]+/src/index\\.ts$',
        ],
      },
    },
    {
      name: 'test-support-stays-in-tests',
      comment: 'Test doubles and fixtures are never imported by runtime code.',
      severity: 'error',
      from: { path: '\\.ts$', pathNot: ['\\.test\\.ts$', '/test-support/', '^packages/(bench|e2e|testkit|deploy-checks)/'] },
      to: { path: '/test-support/' },
    },
    {
      name: 'no-undeclared-imports',
      comment: 'Every import resolves, so every dependency is declared in the importing package.json.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, pathNot: '/test-support/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      conditionNames: ['@arcp/source', 'require', 'node', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
    },
  },
};
