import { isLiteralSubject, subjectMatches } from './subject-match';

describe('subjectMatches', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.b', 'a.c', false],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.*.c', 'a.b.c', true],
    ['a.>', 'a.b', true],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['>', 'a', true],
    ['*', 'a.b', false],
    ['a.b', 'a.b.c', false],
    ['a.b.c', 'a.b', false],
  ])('%s vs %s → %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });

  it('recognises literal subjects', () => {
    expect(isLiteralSubject('a.b')).toBe(true);
    expect(isLiteralSubject('a.*')).toBe(false);
    expect(isLiteralSubject('a..b')).toBe(false);
    expect(isLiteralSubject('a.>')).toBe(false);
  });
});
