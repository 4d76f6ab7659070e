/**
 * NATS subject matching for the memory engine and key filters: tokens split on '.', `*` matches
 * exactly one token, `>` (last token only) matches one or more remaining tokens.
 */

export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return i === p.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/** True when `subject` is a valid literal subject (no wildcards, no empty tokens). */
export function isLiteralSubject(subject: string): boolean {
  return subject.split('.').every((t) => t.length > 0 && t !== '*' && t !== '>' && !/\s/.test(t));
}
