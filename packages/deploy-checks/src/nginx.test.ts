/**
 * The edge: static routing policy on ops/nginx (always), then `nginx -t` on compose's config and
 * on the config cluster mode generates (Debian's nginx, .ci/extra-packages; CI=true fails
 * without it). Each is also shown to fail on a broken input.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request, type Server } from 'node:http';
import {
  freePort,
  renderEdgeConfig,
  startEdge,
  upstreamName,
  waitHttpOk,
  writeEdgeConfig,
  type EdgeTargets,
  type ManagedProc,
} from '@arcp/cluster';
import { NGINX_DIR, nginxTestCompose, nginxTestFile, routingPolicy } from './nginx-check';
import { ROOT, describeWithTool, readYaml, repoPath } from './repo';

const locationsConf = readFileSync(join(NGINX_DIR, 'arcp-locations.conf'), 'utf8');
const composeConf = readFileSync(join(NGINX_DIR, 'compose.conf'), 'utf8');
const services = Object.keys(readYaml<{ services: Record<string, unknown> }>(repoPath('docker-compose.yml')).services);
const NGINX = { requiredInCi: true, install: 'apt-get install nginx' };
const targets: EdgeTargets = {
  [upstreamName('registry')]: ['127.0.0.1:1'],
  [upstreamName('gateway-public')]: ['127.0.0.1:2', '127.0.0.1:3'],
  [upstreamName('gateway-agents')]: ['127.0.0.1:4'],
  [upstreamName('gateway-dashboard')]: ['127.0.0.1:5'],
};

describe('edge routing (ops/nginx)', () => {
  it('routes each channel to its gateway with upgrade headers and long timeouts, the rest to the registry', () => {
    expect(routingPolicy(locationsConf, composeConf, services)).toEqual([]);
  });

  it.each<[string, string, string, RegExp]>([
    [
      'a channel to the wrong gateway',
      'proxy_pass http://$arcp_gateway_agents;',
      'proxy_pass http://$arcp_gateway_public;',
      /location = \/agents\/ws: must proxy_pass http:\/\/\$arcp_gateway_agents/,
    ],
    [
      'the default read timeout',
      'proxy_read_timeout 3600s;',
      'proxy_read_timeout 60s;',
      /location = \/public\/ws: proxy_read_timeout must be at least 3600s/,
    ],
    ['no upgrade header', 'proxy_set_header Upgrade $http_upgrade;\n', '', /missing "proxy_set_header Upgrade/],
    ['a missing channel', 'location = /dashboard/ws', 'location = /dashboard/socket', /no "location = \/dashboard\/ws"/],
    [
      'the operator page left to the registry',
      'location ^~ /dashboard/ {',
      'location ^~ /dashboard-old/ {',
      /"location \^~ \/dashboard\/" must proxy_pass/,
    ],
    [
      'a client-controlled X-Forwarded-For',
      'X-Forwarded-For $remote_addr;',
      'X-Forwarded-For $proxy_add_x_forwarded_for;',
      /missing "proxy_set_header X-Forwarded-For \$remote_addr;"/,
    ],
  ])('catches %s in arcp-locations.conf', (_name, from, to, complaint) => {
    expect(routingPolicy(locationsConf.replace(from, to), composeConf, services).join('\n')).toMatch(complaint);
  });

  it.each<[string, string, string, RegExp]>([
    ['no per-request resolver', 'resolver 127.0.0.11 valid=10s ipv6=off;', '', /needs "resolver 127\.0\.0\.11/],
    [
      'a target that is not a compose service',
      'gateway-agents:8080',
      'gateway-agent:8080',
      /target gateway-agent is not a compose service/,
    ],
  ])('catches %s in compose.conf', (_name, from, to, complaint) => {
    expect(routingPolicy(locationsConf, composeConf.replace(from, to), services).join('\n')).toMatch(complaint);
  });

  it('cluster mode includes the same shared files and only defines upstreams', () => {
    const conf = renderEdgeConfig({ root: ROOT, prefix: '/tmp/x', listen: '127.0.0.1:8001', targets });
    expect(conf).toContain(`include ${join(NGINX_DIR, 'arcp-locations.conf')};`);
    expect(conf).toContain(`include ${join(NGINX_DIR, 'arcp-http.conf')};`);
    expect(conf).toMatch(/upstream arcp_gateway_public \{\s+server 127\.0\.0\.1:2;\s+server 127\.0\.0\.1:3;\s+\}/);
    expect(conf).not.toMatch(/location /);
  });
});

describeWithTool('nginx', NGINX, 'nginx -t', (nginx) => {
  it('accepts the compose edge config', () => {
    const r = nginxTestCompose(nginx, composeConf);
    expect(r.output).toMatch(/test is successful/);
    expect(r.status).toBe(0);
  });

  it('rejects the compose config without a target variable', () => {
    const r = nginxTestCompose(nginx, composeConf.replace(/\s+set \$arcp_registry [^;]+;/, ''));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/unknown "arcp_registry" variable/);
  });

  describe('cluster mode', () => {
    let prefix: string;
    beforeEach(() => {
      prefix = mkdtempSync(join(tmpdir(), 'arcp-edge-t-'));
    });
    afterEach(() => rmSync(prefix, { recursive: true, force: true }));

    it('accepts the generated config', () => {
      const args = writeEdgeConfig({ root: ROOT, prefix, listen: '127.0.0.1:8001', targets });
      const r = nginxTestFile(nginx, prefix, args[args.length - 1]!);
      expect(r.output).toMatch(/test is successful/);
      expect(r.status).toBe(0);
    });

    it('rejects a generated config with a broken upstream', () => {
      const args = writeEdgeConfig({
        root: ROOT,
        prefix,
        listen: '127.0.0.1:8001',
        targets: { ...targets, gatewayAgents: ['127.0.0.1:notaport'] },
      });
      const r = nginxTestFile(nginx, prefix, args[args.length - 1]!);
      expect(r.status).not.toBe(0);
      expect(r.output).toMatch(/invalid port|host not found/);
    });
  });

  describe('a running edge whose services are down or refusing', () => {
    let prefix: string;
    let edge: ManagedProc;
    let base: string;
    let busy: Server;
    beforeAll(async () => {
      prefix = mkdtempSync(join(tmpdir(), 'arcp-edge-run-'));
      // A service that answers for itself: its 503 must pass through as it is.
      busy = createServer((_req, res) => {
        res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '7' });
        res.end('{"status":503,"detail":"the service says so"}');
      });
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const busyPort = (busy.address() as { port: number }).port;
      const dead = `127.0.0.1:${await freePort()}`;
      const port = await freePort();
      edge = startEdge({
        root: ROOT,
        prefix,
        listen: `127.0.0.1:${port}`,
        targets: {
          [upstreamName('registry')]: [dead],
          [upstreamName('gateway-public')]: [dead],
          [upstreamName('gateway-agents')]: [`127.0.0.1:${busyPort}`],
          [upstreamName('gateway-dashboard')]: [dead],
        },
      });
      base = `http://127.0.0.1:${port}`;
      await waitHttpOk(edge, `${base}/edge-healthz`, 15_000);
    }, 30_000);
    afterAll(async () => {
      await edge?.stop('SIGTERM');
      busy?.close();
      rmSync(prefix, { recursive: true, force: true });
    });

    it.each([
      ['the registry API', '/agents', {}],
      [
        'a channel upgrade',
        '/public/ws',
        { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      ],
      ['the operator page', '/dashboard', {}],
    ])('answers %s with 502 problem+json and Retry-After, not an HTML page', async (_name, path, headers) => {
      // node:http rather than fetch, which refuses Connection/Upgrade headers.
      const res = await new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
        const req = request(`${base}${path}`, { headers }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, text: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(res.status).toBe(502);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.headers['retry-after']).toBe('2');
      const body = JSON.parse(res.text) as Record<string, unknown>;
      expect(body).toMatchObject({
        type: 'https://arcp.0x001.tech/docs/problems/endpoint-unreachable',
        title: 'Endpoint Unreachable',
        status: 502,
      });
      expect(body['instance']).toMatch(/^urn:arcp:edge:request:[0-9a-f]{32}$/);
      expect(Number.isNaN(Date.parse(body['timestamp'] as string))).toBe(false);
    });

    it("passes a service's own 503 through untouched", async () => {
      const res = await fetch(`${base}/agents/ws`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toEqual({ status: 503, detail: 'the service says so' });
    });
  });
});
