import { z } from 'zod';
import { BaseServiceEnv, ConfigError, envBool, envList, envNumber, envString, loadConfig } from './config';

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

  function configError(env: Record<string, string>, schema: z.ZodType = Schema): string {
    try {
      loadConfig(schema, env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).message;
    }
    throw new Error('configuration was accepted');
  }

  it('names the variable, the value and the rule in one line', () => {
    expect(configError({ PORT: 'abc' })).toBe('invalid configuration: PORT=abc: must be an integer from 1 to 65535');
    expect(configError({ LOG_LEVEL: 'verbose' })).toBe(
      'invalid configuration: LOG_LEVEL=verbose: must be one of fatal, error, warn, info, debug, trace',
    );
    expect(configError({ METRICS: 'maybe' })).toBe('invalid configuration: METRICS=maybe: must be true/false, 1/0, yes/no or on/off');
    expect(configError({ NATS_URL: 'http://x y' })).toBe(
      'invalid configuration: NATS_URL="http://x y": must be comma-separated NATS server URLs (nats://host:port)',
    );
    expect(configError({ TIMEOUT: '0' })).toBe('invalid configuration: TIMEOUT=0: must be an integer of at least 1');
  });

  it('never shows the value of a secret, only its length', () => {
    const Secret = z.object({
      KEY: envString({ minLength: 10, rule: 'at least 10 characters', secret: true, requiredRule: 'is required' }),
    });
    expect(configError({ KEY: 'abc' }, Secret)).toBe('invalid configuration: KEY=<hidden, 3 characters>: must be at least 10 characters');
    expect(configError({}, Secret)).toBe('invalid configuration: KEY (unset): is required');
    const Keys = z.object({ KEYS: envList([], { item: /^\S{10,}$/, itemRule: 'keys of at least 10 characters', secret: true }) });
    expect(configError({ KEYS: 'abc,defghijklmnop' }, Keys)).toBe(
      'invalid configuration: KEYS=<hidden, 17 characters>: must be keys of at least 10 characters',
    );
  });

  it('reports every problem in one ConfigError', () => {
    const env = {
      LOG_LEVEL: 'loud',
      PORT: '70000',
      TIMEOUT: 'soon',
      METRICS: 'maybe',
      ARCP_BUS_PREFIX: 'bad prefix',
      NATS_URL: ',',
      NATS_REPLICAS: '6',
    };
    let caught: unknown;
    try {
      loadConfig(Schema, env);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    for (const path of ['LOG_LEVEL', 'PORT', 'TIMEOUT', 'METRICS', 'ARCP_BUS_PREFIX', 'NATS_URL', 'NATS_REPLICAS']) {
      expect(message).toContain(`${path}=`);
    }
    expect(message).not.toContain('\n');
  });

  it('rejects fractions for integer variables', () => {
    expect(() => loadConfig(Schema, { PORT: '80.5' })).toThrow(/PORT/);
  });

  it('takes NATS_REPLICAS from 1 to 5 (JetStream keeps at most five copies)', () => {
    expect(loadConfig(Schema, { NATS_REPLICAS: '5' }).NATS_REPLICAS).toBe(5);
    for (const bad of ['0', '6', 'three', '2.5']) expect(() => loadConfig(Schema, { NATS_REPLICAS: bad })).toThrow(/NATS_REPLICAS/);
  });
});
