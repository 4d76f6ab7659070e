/**
 * First-run secrets of the standalone process: a secret that is not configured is generated
 * (never a fixed default), and the caller prints it once so the operator can use it.
 */
import { randomBytes } from 'node:crypto';

export interface GeneratedSecret {
  readonly name: 'JWT_SECRET' | 'ADMIN_PASSWORD' | 'AGENT_KEYS';
  readonly value: string;
  /** What the operator does with it. */
  readonly use: string;
}

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

/** Returns a copy of `env` with missing secrets filled in, and what was generated. */
export function fillSecrets(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; generated: GeneratedSecret[] } {
  const out = { ...env };
  const generated: GeneratedSecret[] = [];
  const fill = (name: GeneratedSecret['name'], value: string, use: string) => {
    if (!blank(out[name])) return;
    out[name] = value;
    generated.push({ name, value, use });
  };
  fill('JWT_SECRET', randomBytes(32).toString('base64url'), 'signs every token; tokens do not survive a restart unless you set it');
  fill(
    'ADMIN_PASSWORD',
    randomBytes(12).toString('base64url'),
    `admin login (POST /auth/login) as ${out.ADMIN_USERNAME?.trim() || 'ARCP'}`,
  );
  fill('AGENT_KEYS', `agent-key-${randomBytes(12).toString('hex')}`, 'agent registration key (POST /auth/agent/request_temp_token)');
  return { env: out, generated };
}

/** The startup banner listing generated secrets (printed once, to stdout, never logged). */
export function secretsBanner(generated: readonly GeneratedSecret[]): string {
  if (generated.length === 0) return '';
  const lines = generated.map((s) => `  ${s.name}=${s.value}\n      ${s.use}`);
  return `Generated for this run (set them in the environment to keep them):\n${lines.join('\n')}\n`;
}
