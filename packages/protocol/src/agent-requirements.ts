/**
 * `AgentRequirements` (the original ARCP server's model): what an agent needs from
 * its host. Registration accepts it as an object, as JSON text, or null.
 */
import * as z from 'zod';
import { isPlainObject, laxInt } from './validation';

const PORT_RE = /^(\d{1,5})(?:-(\d{1,5}))?$/;

function isPortSpec(s: string): boolean {
  const m = PORT_RE.exec(s.trim());
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 1 && hi <= 65535 && lo <= hi;
}

const strList = (max: number) => z.array(z.string()).max(max).default([]);

export const AgentRequirementsSchema = z.object({
  system_requirements: strList(50),
  permissions: strList(30),
  dependencies: strList(100),
  minimum_system_version: z.string().trim().nullable().default(null),
  minimum_memory_mb: laxInt.pipe(z.number().min(0)).nullable().default(null),
  minimum_disk_space_mb: laxInt.pipe(z.number().min(0)).nullable().default(null),
  requires_internet: z.boolean().default(true),
  network_ports: z
    .array(z.string().trim().refine(isPortSpec, { message: 'Port must be "N" or "N-M" within 1-65535' }))
    .max(20)
    .default([]),
  required_fields: strList(50),
  optional_fields: strList(100),
  user_configuration: z
    .record(z.string(), z.unknown())
    .refine((o) => Object.keys(o).length <= 100, { message: 'At most 100 user_configuration keys' })
    .default({}),
  schema_version: z
    .string()
    .trim()
    .regex(/^\d+\.\d+$/, { message: 'schema_version must look like "X.Y"' })
    .default('1.0'),
});

export type AgentRequirements = z.output<typeof AgentRequirementsSchema>;

/**
 * The registration field: object (≤100 keys), JSON text of one, or null → AgentRequirements
 * or null. JSON text that does not decode to an object is an input error.
 */
export const RequirementsFieldSchema = z
  .union([z.string(), z.record(z.string(), z.unknown()), z.null()])
  .transform((raw, ctx): Record<string, unknown> | null => {
    if (raw === null) return null;
    if (typeof raw !== 'string') return raw;
    try {
      const decoded: unknown = JSON.parse(raw);
      if (isPlainObject(decoded)) return decoded;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'requirements must be an object or JSON text of an object' });
    return z.NEVER;
  })
  .refine((o) => o === null || Object.keys(o).length <= 100, { message: 'At most 100 requirements keys' })
  .pipe(AgentRequirementsSchema.nullable());
