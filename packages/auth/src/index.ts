import { SignJWT, jwtVerify } from 'jose';
import { Probe } from '@arcp/protocol';
export async function probe(): Promise<boolean> {
  const key = new TextEncoder().encode('x'.repeat(32));
  const t = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(key);
  const r = await jwtVerify(t, key, { algorithms: ['HS256'] });
  return r.payload.a === 1 && Probe.safeParse({ type: 'ping' }).success;
}
