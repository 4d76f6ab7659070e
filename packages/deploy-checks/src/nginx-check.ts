/**
 * The edge's nginx configuration, checked two ways. `nginx -t` (where Debian's nginx is
 * installed) on the compose config inside a generated prefix (its in-container include paths
 * pointed at the repository) and on the config cluster mode generates. And a static routing
 * policy on the shared files that needs no binary: every channel path to its gateway with
 * upgrade headers and long timeouts, the rest to the registry, X-Forwarded-For set (not
 * appended) to the peer, compose's targets resolved per request through Docker's DNS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath, run, type RunResult } from './repo';

export const NGINX_DIR = repoPath('ops/nginx');

/** A main config including `<prefix>/compose.conf` (http context), every path inside `prefix`. */
export function wrapHttpConfig(prefix: string): string {
  const p = (name: string) => join(prefix, name);
  return (
    [
      `pid ${p('nginx.pid')};`,
      `error_log ${p('error.log')};`,
      'events {}',
      'http {',
      `    access_log off;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${p(t)};`),
      `    include ${p('compose.conf')};`,
      '}',
    ].join('\n') + '\n'
  );
}

/** `nginx -t` on compose.conf (text) with /etc/nginx/arcp/ mapped to `sharedDir`. */
export function nginxTestCompose(nginx: string, composeConf: string, sharedDir = NGINX_DIR): RunResult {
  const prefix = mkdtempSync(join(tmpdir(), 'arcp-nginx-t-'));
  try {
    writeFileSync(join(prefix, 'compose.conf'), composeConf.replaceAll('/etc/nginx/arcp/', `${sharedDir}/`));
    writeFileSync(join(prefix, 'nginx.conf'), wrapHttpConfig(prefix));
    return run(nginx, ['-t', '-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf')]);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

/** `nginx -t` on a complete config whose paths already point into `prefix` (cluster mode). */
export function nginxTestFile(nginx: string, prefix: string, confPath: string): RunResult {
  return run(nginx, ['-t', '-p', prefix, '-e', join(prefix, 'error.log'), '-c', confPath]);
}

interface Location {
  match: string;
  body: string;
}

export function locations(conf: string): Location[] {
  return [...conf.matchAll(/^location\s+([^{]+)\{([^}]*)\}/gm)].map((m) => ({ match: m[1]!.trim(), body: m[2]! }));
}

const CHANNELS: Array<[string, string]> = [
  ['= /public/ws', '$arcp_gateway_public'],
  ['= /agents/ws', '$arcp_gateway_agents'],
  ['= /dashboard/ws', '$arcp_gateway_dashboard'],
];

/** Routing rules of arcp-locations.conf (server level) and the compose targets in compose.conf. */
export function routingPolicy(locationsConf: string, composeConf: string, composeServices: string[]): string[] {
  const out: string[] = [];
  const locs = locations(locationsConf);
  const headers = [
    'proxy_http_version 1.1;',
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $arcp_connection_upgrade;',
    'proxy_set_header X-Forwarded-For $remote_addr;',
  ];
  for (const header of headers) {
    if (!locationsConf.includes(header)) out.push(`arcp-locations.conf: missing "${header}"`);
  }
  for (const [match, target] of CHANNELS) {
    const loc = locs.find((l) => l.match === match);
    if (!loc) {
      out.push(`arcp-locations.conf: no "location ${match}"`);
      continue;
    }
    if (!loc.body.includes(`proxy_pass http://${target};`)) out.push(`location ${match}: must proxy_pass http://${target}`);
    for (const t of ['proxy_read_timeout', 'proxy_send_timeout']) {
      const m = loc.body.match(new RegExp(`${t}\\s+(\\d+)s;`));
      if (!m || Number(m[1]) < 3600) out.push(`location ${match}: ${t} must be at least 3600s`);
    }
  }
  // The operator page (/dashboard and everything under it) goes where its socket goes.
  for (const match of ['= /dashboard', '^~ /dashboard/']) {
    if (!locs.find((l) => l.match === match)?.body.includes('proxy_pass http://$arcp_gateway_dashboard;')) {
      out.push(`arcp-locations.conf: "location ${match}" must proxy_pass http://$arcp_gateway_dashboard (the operator page)`);
    }
  }
  const root = locs.find((l) => l.match === '/');
  if (!root?.body.includes('proxy_pass http://$arcp_registry;')) out.push('location /: must proxy_pass http://$arcp_registry');
  if (!/resolver\s+127\.0\.0\.11\s+valid=\d+s/.test(composeConf))
    out.push('compose.conf: needs "resolver 127.0.0.11 valid=…s" to resolve replicas per request');
  for (const m of composeConf.matchAll(/set \$arcp_\w+\s+([\w-]+):(\d+);/g)) {
    if (!composeServices.includes(m[1]!)) out.push(`compose.conf: target ${m[1]} is not a compose service`);
  }
  for (const variable of ['$arcp_registry', ...CHANNELS.map(([, t]) => t)]) {
    if (!composeConf.includes(`set ${variable} `)) out.push(`compose.conf: ${variable} is not set`);
  }
  return out;
}
