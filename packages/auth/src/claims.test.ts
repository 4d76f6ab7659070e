/** Token kinds from claims: a temp marker without every temp field is malformed (null). */
import { kindOf, type TokenClaims } from './claims';

const base: TokenClaims = { sub: 's', agent_id: 'a', role: 'agent', scopes: [], iat: 1, exp: 2 };
const temp = { temp_registration: true, token_type: 'temp', agent_type: 'testing', agent_key_hash: 'a'.repeat(64) };

test.each<[string, Partial<TokenClaims>, ReturnType<typeof kindOf>]>([
  ['an agent token', {}, 'agent'],
  ['an admin token', { role: 'admin' }, 'admin'],
  ['a complete temp token', temp, 'temp'],
  ['temp fields on an admin role', { ...temp, role: 'admin' }, null],
  ['temp_registration alone', { temp_registration: true }, null],
  ['token_type temp alone', { token_type: 'temp' }, null],
  ['temp without its key hash', { ...temp, agent_key_hash: undefined }, null],
  ['temp_registration false with other fields', { ...temp, temp_registration: false }, null],
])('%s → %s', (_name, extra, kind) => {
  expect(kindOf({ ...base, ...extra } as TokenClaims)).toBe(kind);
});
