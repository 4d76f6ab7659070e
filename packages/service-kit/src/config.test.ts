import { z } from 'zod';
import { BaseServiceEnv, ConfigError, envBool, envList, envNumber, loadConfig } from './config';

describe('loadConfig', () => {
  const Schema = z.object({
    ...BaseServiceEnv.shape,
    PORT: envNumber({ min: 1, max: 65535, default: 8080 }),
    TIMEOUT: envNumber({ min: 1 }),
    METRICS: envBool(true),
    ORIGINS: envList(['*']),
  });

  it('applies defaults for every base field', () => {
    const cfg = loadConfig(Schema, {});
    expect(cfg).toMatchObject({
      LOG_LEVEL: 'info',
      NATS_URL: ['nats://127.0.0.1:4222'],
      ARCP_BUS_PREFIX: 'arcp',
      OPS_PORT: 9464,
      OPS_HOST: '0.0.0.0',
      SHUTDOWN_TIMEOUT_S: 25,
      PORT: 8080,
      METRICS: true,
      ORIGINS: ['*'],
    });
    expect(cfg.TIMEOUT).toBeUndefined();
    // Unset: the bus derives it from the number of servers (defaultReplicas).
    expect(cfg.NATS_REPLICAS).toBeUndefined();
    expect(cfg.INSTANCE_ID).toContain(String(process.pid));
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('parses provided values', () => {
    const cfg = loadConfig(Schema, {
      LOG_LEVEL: 'debug',
      NATS_URL: 'nats://a:4222, nats://b:4222,',
      NATS_REPLICAS: '3',
      ARCP_BUS_PREFIX: 'test.run1',
      OPS_PORT: '0',
      SHUTDOWN_TIMEOUT_S: '2.5',
      INSTANCE_ID: 'pod-1',
      PORT: ' 9000 ',
      TIMEOUT: '30',
      METRICS: 'off',
      ORIGINS: 'https://a.example, ,https://b.example',
    });
    expect(cfg).toMatchObject({
      LOG_LEVEL: 'debug',
      NATS_URL: ['nats://a:4222', 'nats://b:4222'],
      NATS_REPLICAS: 3,
      ARCP_BUS_PREFIX: 'test.run1',
      OPS_PORT: 0,
      SHUTDOWN_TIMEOUT_S: 2.5,
      INSTANCE_ID: 'pod-1',
      PORT: 9000,
      TIMEOUT: 30,
      METRICS: false,
      ORIGINS: ['https://a.example', 'https://b.example'],
    });
  });

  it('treats empty strings as unset', () => {
    const cfg = loadConfig(Schema, { PORT: '', TIMEOUT: '  ', METRICS: '', LOG_LEVEL: '', NATS_URL: '', ORIGINS: '' });
    expect(cfg).toMatchObject({ PORT: 8080, METRICS: true, LOG_LEVEL: 'info', ORIGINS: ['*'] });
    expect(cfg.TIMEOUT).toBeUndefined();
    expect(cfg.NATS_URL).toEqual(['nats://127.0.0.1:4222']);
  });

  it('reports every problem in one ConfigError', () => {
    const env = { LOG_LEVEL: 'loud', PORT: '70000', TIMEOUT: 'soon', METRICS: 'maybe', ARCP_BUS_PREFIX: 'bad prefix', NATS_URL: ',', NATS_REPLICAS: '6' };
    let caught: unknown;
    try {
      loadConfig(Schema, env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const path of ['LOG_LEVEL', 'PORT', 'TIMEOUT', 'METRICS', 'ARCP_BUS_PREFIX', 'NATS_URL', 'NATS_REPLICAS']) {
      expect(message).toContain(`at ${path}`);
    }
  });

  it('rejects fractions for integer variables', () => {
    expect(() => loadConfig(Schema, { PORT: '80.5' })).toThrow(/PORT/);
  });

  it('takes NATS_REPLICAS from 1 to 5 (JetStream keeps at most five copies)', () => {
    expect(loadConfig(Schema, { NATS_REPLICAS: '5' }).NATS_REPLICAS).toBe(5);
    for (const bad of ['0', '6', 'three', '2.5']) expect(() => loadConfig(Schema, { NATS_REPLICAS: bad })).toThrow(/NATS_REPLICAS/);
  });
});
