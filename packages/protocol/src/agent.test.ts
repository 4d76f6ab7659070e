import { AgentRegistrationSchema, makeAgentRegistrationSchema } from './agent';
import { validRegistration } from './test-support/agents';
import { formatIssues } from './validation';

const parse = (overrides: Record<string, unknown>) => AgentRegistrationSchema.safeParse(validRegistration(overrides));
const accepts = (overrides: Record<string, unknown>) => {
  const r = parse(overrides);
  if (!r.success) throw new Error(formatIssues(r.error));
  return r.data;
};
const rejects = (overrides: Record<string, unknown>, path: string) => {
  const r = parse(overrides);
  expect(r.success).toBe(false);
  if (!r.success) expect(r.error.issues.map((i) => i.path[0])).toContain(path);
};

describe('AgentRegistrationSchema', () => {
  it('accepts the minimal valid body and fills optional fields', () => {
    const reg = accepts({});
    expect(reg).toMatchObject({
      features: [],
      policy_tags: [],
      max_tokens: null,
      language_support: null,
      rate_limit: null,
      requirements: null,
      ai_context: null,
    });
  });

  it('ignores unknown keys', () => {
    expect(accepts({ similarity: 1, sbom: 'x' })).not.toHaveProperty('sbom');
  });

  it.each([
    'name',
    'agent_id',
    'agent_type',
    'endpoint',
    'context_brief',
    'capabilities',
    'owner',
    'public_key',
    'metadata',
    'version',
    'communication_mode',
  ])('requires %s', (field) => rejects({ [field]: undefined }, field));

  it('strips strings before checking lengths', () => {
    expect(accepts({ name: '  ab  ' }).name).toBe('ab');
    rejects({ name: ' a ' }, 'name');
    rejects({ name: 'x'.repeat(33) }, 'name');
    accepts({ name: 'x'.repeat(32) });
  });

  it('agent_id: 3–100 chars of [a-zA-Z0-9_-]', () => {
    accepts({ agent_id: 'a_b-C9' });
    rejects({ agent_id: 'ab' }, 'agent_id');
    rejects({ agent_id: 'a'.repeat(101) }, 'agent_id');
    rejects({ agent_id: 'bad id' }, 'agent_id');
    rejects({ agent_id: 'bad.id' }, 'agent_id');
  });

  it('agent_type: 2–50 chars of [a-zA-Z0-9_-]', () => {
    accepts({ agent_type: 'ab' });
    rejects({ agent_type: 'a' }, 'agent_type');
    rejects({ agent_type: 'a/b' }, 'agent_type');
  });

  it('endpoint: http(s) URL, ≤2048 chars', () => {
    accepts({ endpoint: 'https://agent.example.com:8443/path?q=1' });
    rejects({ endpoint: 'ftp://x.example' }, 'endpoint');
    rejects({ endpoint: 'http://' }, 'endpoint');
    rejects({ endpoint: 'http://.bad' }, 'endpoint');
    rejects({ endpoint: 'http://has space.example' }, 'endpoint');
    rejects({ endpoint: 'http://a.example/' + 'x'.repeat(2048) }, 'endpoint');
  });

  it('context_brief: 10–1000 chars', () => {
    rejects({ context_brief: 'too short' }, 'context_brief');
    rejects({ context_brief: 'x'.repeat(1001) }, 'context_brief');
  });

  it('capabilities: blanks skipped, items trimmed, 2–100 chars, ≥1 valid, ≤50 items', () => {
    expect(accepts({ capabilities: ['  echo ', '', '   ', 'multi word'] }).capabilities).toEqual(['echo', 'multi word']);
    rejects({ capabilities: [] }, 'capabilities');
    rejects({ capabilities: ['', ' '] }, 'capabilities');
    rejects({ capabilities: ['x'] }, 'capabilities');
    rejects({ capabilities: ['bad!cap'] }, 'capabilities');
    rejects({ capabilities: ['ok', 3] }, 'capabilities');
    rejects({ capabilities: Array.from({ length: 51 }, (_, i) => `cap${i}`) }, 'capabilities');
    rejects({ capabilities: 'echo' }, 'capabilities');
  });

  it('owner: 2–50 chars', () => {
    rejects({ owner: 'x' }, 'owner');
    rejects({ owner: 'x'.repeat(51) }, 'owner');
  });

  it('public_key: 32–1024 chars of base64/url-safe/whitespace', () => {
    accepts({ public_key: 'ABCD+/=-_ \n'.repeat(4) });
    rejects({ public_key: 'short' }, 'public_key');
    rejects({ public_key: 'x'.repeat(1025) }, 'public_key');
    rejects({ public_key: '!'.repeat(40) }, 'public_key');
  });

  it('metadata: non-empty object of ≤50 keys (≤100 chars) with scalar or list values', () => {
    accepts({ metadata: { a: 'x', n: 1.5, b: false, l: [1, 'two'] } });
    rejects({ metadata: {} }, 'metadata');
    rejects({ metadata: { a: null } }, 'metadata');
    rejects({ metadata: { a: { nested: true } } }, 'metadata');
    rejects({ metadata: { a: 'x'.repeat(1001) } }, 'metadata');
    rejects({ metadata: { ['k'.repeat(101)]: 1 } }, 'metadata');
    rejects({ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, 'metadata');
    rejects({ metadata: ['a'] }, 'metadata');
  });

  it('version: semver with optional -tag', () => {
    accepts({ version: '1.2.3-beta1' });
    rejects({ version: '1.2' }, 'version');
    rejects({ version: '1.2.3-' }, 'version');
    rejects({ version: 'v1.2.3' }, 'version');
  });

  it('communication_mode: case-insensitive, stored lower-case', () => {
    expect(accepts({ communication_mode: ' HyBrid ' }).communication_mode).toBe('hybrid');
    rejects({ communication_mode: 'p2p' }, 'communication_mode');
  });

  it('features: non-strings rejected, blank and over-long items dropped, ≤100 items', () => {
    expect(accepts({ features: [' a ', '', 'x'.repeat(101), 'b'] }).features).toEqual(['a', 'b']);
    expect(accepts({ features: null }).features).toEqual([]);
    rejects({ features: ['a', 1] }, 'features');
    rejects({ features: Array.from({ length: 101 }, () => 'f') }, 'features');
  });

  it('max_tokens: 1–1 000 000, integer (integer text accepted)', () => {
    expect(accepts({ max_tokens: '4096' }).max_tokens).toBe(4096);
    rejects({ max_tokens: 0 }, 'max_tokens');
    rejects({ max_tokens: 1_000_001 }, 'max_tokens');
    rejects({ max_tokens: 1.5 }, 'max_tokens');
  });

  it('language_support: strings of 2–5 chars kept lower-cased; empty result is null; ≤20 items', () => {
    expect(accepts({ language_support: ['EN', 'pt-BR', 'x', 'toolong', 5] }).language_support).toEqual(['en', 'pt-br']);
    expect(accepts({ language_support: ['x'] }).language_support).toBeNull();
    rejects({ language_support: Array.from({ length: 21 }, () => 'en') }, 'language_support');
  });

  it('rate_limit: 1–10 000', () => {
    expect(accepts({ rate_limit: 100 }).rate_limit).toBe(100);
    rejects({ rate_limit: 0 }, 'rate_limit');
    rejects({ rate_limit: 10_001 }, 'rate_limit');
  });

  it('policy_tags: strings of ≤50 chars kept, ≤20 items', () => {
    expect(accepts({ policy_tags: ['pii', 7, 'x'.repeat(51), ' gdpr '] }).policy_tags).toEqual(['pii', 'gdpr']);
    rejects({ policy_tags: Array.from({ length: 21 }, () => 't') }, 'policy_tags');
  });

  it('requirements: object, JSON text or null become AgentRequirements', () => {
    expect(accepts({ requirements: null }).requirements).toBeNull();
    const fromText = accepts({ requirements: '{"permissions":["net"],"network_ports":["80","8000-8100"]}' }).requirements;
    expect(fromText).toMatchObject({
      permissions: ['net'],
      network_ports: ['80', '8000-8100'],
      requires_internet: true,
      schema_version: '1.0',
    });
    expect(accepts({ requirements: { minimum_memory_mb: 512 } }).requirements?.minimum_memory_mb).toBe(512);
    rejects({ requirements: 'not json' }, 'requirements');
    rejects({ requirements: '[1,2]' }, 'requirements');
    rejects({ requirements: { network_ports: ['0'] } }, 'requirements');
    rejects({ requirements: { network_ports: ['9000-8000'] } }, 'requirements');
    rejects({ requirements: { network_ports: ['70000'] } }, 'requirements');
    rejects({ requirements: { schema_version: '1' } }, 'requirements');
    rejects({ requirements: { permissions: Array.from({ length: 31 }, () => 'p') } }, 'requirements');
    rejects({ requirements: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 1])) }, 'requirements');
  });

  it('ai_context: ≤5000 chars, blank becomes null', () => {
    expect(accepts({ ai_context: '   ' }).ai_context).toBeNull();
    expect(accepts({ ai_context: ' hint ' }).ai_context).toBe('hint');
    rejects({ ai_context: 'x'.repeat(5001) }, 'ai_context');
  });

  it('normalisation is idempotent (a stored record re-parses to itself)', () => {
    const once = accepts({ requirements: { permissions: ['a'] }, language_support: ['EN'], features: ['f '] });
    expect(AgentRegistrationSchema.parse(once)).toEqual(once);
  });

  it('reports problems as a readable one-line message', () => {
    const r = parse({ name: 'x', version: 'nope' });
    expect(r.success).toBe(false);
    if (!r.success) expect(formatIssues(r.error)).toMatch(/^name: .*; version: version must look like/);
  });
});

describe('makeAgentRegistrationSchema', () => {
  const schema = makeAgentRegistrationSchema(['security', 'Testing']);

  it('matches the allowed types case-insensitively and keeps the caller casing', () => {
    const r = schema.safeParse(validRegistration({ agent_type: 'SECURITY' }));
    expect(r.success && r.data.agent_type).toBe('SECURITY');
    expect(schema.safeParse(validRegistration({ agent_type: 'testing' })).success).toBe(true);
  });

  it('rejects other types with the allowed list in the message', () => {
    const r = schema.safeParse(validRegistration({ agent_type: 'finance' }));
    expect(r.success).toBe(false);
    if (!r.success) expect(formatIssues(r.error)).toContain('agent_type must be one of: security, Testing');
  });
});
