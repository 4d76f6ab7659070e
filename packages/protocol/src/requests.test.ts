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
});
