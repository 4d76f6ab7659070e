import { applyRyukPolicy, isOrphanOwner } from './nats-container';

describe('container ownership', () => {
  const alive = (pid: number) => pid === 42;

  it('marks the container of a dead run on this host as an orphan', () => {
    expect(isOrphanOwner('box:7', 'box', alive)).toBe(true);
  });

  it.each([
    ['a live run', 'box:42'],
    ['another host', 'other:7'],
    ['no label', undefined],
    ['a label without pid', 'box'],
    ['a non-numeric pid', 'box:abc'],
    ['pid 0', 'box:0'],
    ['an empty label', ''],
  ])('never removes %s', (_what, label) => {
    expect(isOrphanOwner(label, 'box', alive)).toBe(false);
  });
});

describe('Ryuk policy', () => {
  it('turns Ryuk off when the environment says nothing', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(applyRyukPolicy(env)).toBe('own-cleanup');
    expect(env.TESTCONTAINERS_RYUK_DISABLED).toBe('true');
  });

  it('keeps an explicit choice', () => {
    const env: NodeJS.ProcessEnv = { TESTCONTAINERS_RYUK_DISABLED: 'false' };
    expect(applyRyukPolicy(env)).toBe('ryuk');
    expect(env.TESTCONTAINERS_RYUK_DISABLED).toBe('false');
  });
});
