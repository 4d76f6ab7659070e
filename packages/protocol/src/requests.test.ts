import { LoginRequestSchema, makeSearchRequestSchema, SearchRequestSchema, TempTokenRequestSchema } from './requests';

describe('LoginRequest / TempTokenRequest', () => {
  it('trims fields and turns absent ones into empty strings for the handler to judge', () => {
    expect(TempTokenRequestSchema.parse({ agent_id: ' a1 ', agent_type: 'testing', agent_key: ' key-1234567 ' })).toEqual({
      agent_id: 'a1',
      agent_type: 'testing',
      agent_key: 'key-1234567',
      username: '',
      password: '',
    });
    expect(TempTokenRequestSchema.parse({ agent_id: '   ' }).agent_id).toBe('');
  });

  it.each([
    [{ agent_id: 'a'.repeat(101) }, 'agent_id'],
    [{ agent_id: 'bad id' }, 'agent_id'],
    [{ agent_type: 'x'.repeat(51) }, 'agent_type'],
    [{ agent_type: 'a.b' }, 'agent_type'],
    [{ agent_key: 'k'.repeat(201) }, 'agent_key'],
    [{ username: 'u'.repeat(256) }, 'username'],
    [{ password: '' }, 'password'],
    [{ password: 'p'.repeat(1025) }, 'password'],
  ])('rejects %j', (body, field) => {
    const r = LoginRequestSchema.safeParse(body);
    expect(!r.success && r.error.issues[0]?.path[0]).toBe(field);
  });

  it('turns absent and null fields into empty strings', () => {
    const empty = { agent_id: '', agent_type: '', agent_key: '', username: '', password: '' };
    expect(LoginRequestSchema.parse({})).toMatchObject({ agent_id: '', agent_type: '', agent_key: '', username: '' });
    expect(TempTokenRequestSchema.parse({ agent_id: null, agent_type: null, agent_key: null, username: null, password: null })).toEqual(
      empty,
    );
  });

  it('does not trim passwords', () => {
    expect(LoginRequestSchema.parse({ username: ' ARCP ', password: ' pw ' })).toMatchObject({ username: 'ARCP', password: ' pw ' });
  });
});

describe('SearchRequest', () => {
  it('applies defaults', () => {
    expect(SearchRequestSchema.parse({ query: 'find me' })).toEqual({
      query: 'find me',
      top_k: 10,
      min_similarity: 0.5,
      capabilities: null,
      weighted: false,
      agent_type: null,
    });
    expect(makeSearchRequestSchema({ topK: 3, minSimilarity: 0.7 }).parse({ query: 'ab' })).toMatchObject({
      top_k: 3,
      min_similarity: 0.7,
    });
  });

  it.each([
    [{ query: 'a' }, 'query'],
    [{ query: 'ok', top_k: 0 }, 'top_k'],
    [{ query: 'ok', top_k: 101 }, 'top_k'],
    [{ query: 'ok', min_similarity: 1.5 }, 'min_similarity'],
    [{ query: 'ok', capabilities: [] }, 'capabilities'],
    [{ query: 'ok', capabilities: ['x'] }, 'capabilities'],
    [{ query: 'ok', capabilities: ['bad!'] }, 'capabilities'],
    [{ query: 'ok', agent_type: 'a' }, 'agent_type'],
  ])('rejects %j', (body, field) => {
    const r = SearchRequestSchema.safeParse(body);
    expect(!r.success && r.error.issues[0]?.path[0]).toBe(field);
  });

  // A schema made by each test, not at import: the bounds below are checked when it is made.
  const made = () => makeSearchRequestSchema({ topK: 10, minSimilarity: 0.5 });

  it('accepts every bound itself and trims text', () => {
    const schema = made();
    expect(
      schema.parse({
        query: `  ${'q'.repeat(1000)}  `,
        top_k: 100,
        min_similarity: 1,
        capabilities: Array.from({ length: 20 }, () => ` ${'c'.repeat(100)} `),
        agent_type: ` ${'t'.repeat(50)} `,
      }),
    ).toMatchObject({ query: 'q'.repeat(1000), top_k: 100, min_similarity: 1, agent_type: 't'.repeat(50) });
    expect(schema.parse({ query: 'ab', top_k: 1, min_similarity: 0, capabilities: ['a b', 'x_-1'], agent_type: 'a-_1' })).toMatchObject({
      top_k: 1,
      min_similarity: 0,
      capabilities: ['a b', 'x_-1'],
      agent_type: 'a-_1',
    });
  });

  it.each([
    [{ query: ' a ' }, 'query'],
    [{ query: 'q'.repeat(1001) }, 'query'],
    [{ query: 'ok', top_k: 0 }, 'top_k'],
    [{ query: 'ok', top_k: 101 }, 'top_k'],
    [{ query: 'ok', top_k: 1.5 }, 'top_k'],
    [{ query: 'ok', min_similarity: -0.1 }, 'min_similarity'],
    [{ query: 'ok', min_similarity: 1.01 }, 'min_similarity'],
    [{ query: 'ok', capabilities: Array.from({ length: 21 }, () => 'cap') }, 'capabilities'],
    [{ query: 'ok', capabilities: [' x '] }, 'capabilities'],
    [{ query: 'ok', capabilities: ['c'.repeat(101)] }, 'capabilities'],
    [{ query: 'ok', agent_type: ' a ' }, 'agent_type'],
    [{ query: 'ok', agent_type: 't'.repeat(51) }, 'agent_type'],
    [{ query: 'ok', agent_type: 'a b' }, 'agent_type'],
    [{ query: 'ok', agent_type: 'ab!' }, 'agent_type'],
    [{ query: 'ok', agent_type: '!ab' }, 'agent_type'],
  ])('a schema made at run time rejects %j', (body, field) => {
    const r = made().safeParse(body);
    expect(!r.success && r.error.issues[0]?.path[0]).toBe(field);
  });

  it('says which characters a capability and an agent_type may hold', () => {
    const schema = made();
    const capability = schema.safeParse({ query: 'ok', capabilities: ['bad!'] });
    expect(!capability.success && capability.error.issues[0]?.message).toBe('Capability may contain only letters, digits, _, - and spaces');
    const type = schema.safeParse({ query: 'ok', agent_type: 'a.b' });
    expect(!type.success && type.error.issues[0]?.message).toBe('agent_type may contain only letters, digits, _ and -');
  });
});
