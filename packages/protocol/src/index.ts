import { z } from 'zod';
export const Probe = z.object({ type: z.literal('ping') });
