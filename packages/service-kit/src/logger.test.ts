import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ service: 'registry', level, destination }) };
}

describe('createLogger', () => {
  it('writes JSON with the service name and an ISO timestamp', () => {
    const { lines, logger } = capture();
    logger.info({ agents: 3 }, 'started');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'registry', msg: 'started', agents: 3, level: 30 });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('honours the level', () => {
    const { lines, logger } = capture('info');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('redacts secrets at the top level', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        token: 't',
        access_token: 'a',
        temp_token: 'tt',
        password: 'p',
        secret: 's',
        JWT_SECRET: 'j',
        ADMIN_PASSWORD: 'ap',
        AGENT_KEYS: 'k1,k2',
        agent_key: 'ak',
        authorization: 'Bearer x',
        agent_id: 'a1',
      },
      'config',
    );
    const line = lines[0] ?? {};
    for (const key of [
      'token',
      'access_token',
      'temp_token',
      'password',
      'secret',
      'JWT_SECRET',
      'ADMIN_PASSWORD',
      'AGENT_KEYS',
      'agent_key',
      'authorization',
    ]) {
      expect(line[key]).toBe('[Redacted]');
    }
    expect(line.agent_id).toBe('a1');
  });

  it('redacts nested secrets, headers and cookies', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        body: { token: 't', access_token: 'a', password: 'p', agent_key: 'k', name: 'visible' },
        config: { JWT_SECRET: 'j', secret: 's' },
        headers: { authorization: 'Bearer y', host: 'h' },
        req: { headers: { authorization: 'Bearer z', cookie: 'sid=1', 'user-agent': 'ua' } },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const leaked of ['"t"', '"a"', '"p"', '"k"', '"j"', '"s"', 'Bearer', 'sid=1']) {
      expect(text).not.toContain(leaked);
    }
    expect(lines[0]).toMatchObject({
      body: { name: 'visible', token: '[Redacted]' },
      headers: { host: 'h', authorization: '[Redacted]' },
      req: { headers: { 'user-agent': 'ua', cookie: '[Redacted]' } },
    });
  });

  it('keeps redaction in child loggers', () => {
    const { lines, logger } = capture();
    logger.child({ module: 'auth' }).info({ login: { password: 'pw' } }, 'login');
    expect(lines[0]).toMatchObject({ module: 'auth', service: 'registry', login: { password: '[Redacted]' } });
  });
});

describe('LOG_FORMAT', () => {
  function sink() {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    });
    return { chunks, destination };
  }

  it('writes pino-pretty lines for pretty, still redacted', () => {
    const { chunks, destination } = sink();
    const logger = createLogger({ service: 'registry', level: 'info', destination, format: 'pretty' });
    logger.info({ agent_id: 'a-1', token: 'eyJsecret' }, 'agent registered');
    const text = chunks.join('');
    expect(text).toMatch(/INFO.*agent registered/);
    expect(text).toContain('agent_id: "a-1"');
    expect(text).not.toContain('eyJsecret');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('is JSON with auto when not on a terminal, pretty on one', () => {
    const json = sink();
    createLogger({ service: 'registry', level: 'info', destination: json.destination, format: 'auto', isTty: false }).info('x');
    expect(JSON.parse(json.chunks.join(''))).toMatchObject({ msg: 'x' });
    const tty = sink();
    createLogger({ service: 'registry', level: 'info', destination: tty.destination, format: 'auto', isTty: true }).info('x');
    expect(tty.chunks.join('')).toMatch(/INFO/);
  });

  it('says so in one line and logs JSON when pino-pretty is not installed', () => {
    const { chunks, destination } = sink();
    const notices: string[] = [];
    const logger = createLogger({
      service: 'registry',
      level: 'info',
      destination,
      format: 'pretty',
      loadPretty: () => undefined,
      notice: (l) => notices.push(l),
    });
    logger.info('x');
    expect(notices).toEqual(['LOG_FORMAT=pretty: pino-pretty is not installed (a dev dependency), logging JSON']);
    expect(JSON.parse(chunks.join(''))).toMatchObject({ msg: 'x' });
  });
});
