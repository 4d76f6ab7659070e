import { renderNatsConfig } from './nats';

describe('renderNatsConfig', () => {
  const base = { serverName: 'n1', port: 4222, monitorPort: 8222, storeDir: '/tmp/store "x"' };

  it('configures one JetStream server on loopback', () => {
    const conf = renderNatsConfig(base);
    expect(conf).toContain('server_name: "n1"');
    expect(conf).toContain('listen: "127.0.0.1:4222"');
    expect(conf).toContain('http: "127.0.0.1:8222"');
    expect(conf).toContain('jetstream { store_dir: "/tmp/store \\"x\\"" }');
    expect(conf).not.toContain('cluster {');
  });

  it('routes a cluster node to every other node, not to itself', () => {
    const conf = renderNatsConfig({ ...base, cluster: { name: 'arcp', port: 6222, routes: [6222, 6223, 6224] } });
    expect(conf).toContain('name: "arcp"');
    expect(conf).toContain('listen: "127.0.0.1:6222"');
    expect(conf).toContain('routes: ["nats-route://127.0.0.1:6223", "nats-route://127.0.0.1:6224"]');
  });
});
