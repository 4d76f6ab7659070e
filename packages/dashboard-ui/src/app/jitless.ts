/**
 * The page's policy has no 'unsafe-eval' (and requires Trusted Types), so zod must not compile
 * validators with `new Function`: it validates the same way without, and never probes (a probe
 * would be reported as a policy violation). Imported first by main.tsx.
 */
import { config } from 'zod';

config({ jitless: true });
