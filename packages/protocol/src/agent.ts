/**
 * `AgentRegistration`: the request body of `POST /agents/register` with every rule of the
 * original ARCP server. Strings are trimmed before checks, lists are normalised, unknown keys
 * are ignored. The output is the normalised record the registry stores.
 */
import * as z from 'zod';
import { RequirementsFieldSchema } from './agent-requirements';
import { laxInt } from './validation';

export const AGENT_ID_RE = /^[a-zA-Z0-9_-]+$/;
const CAPABILITY_RE = /^[a-zA-Z0-9_\-\s]+$/;
const ENDPOINT_RE = /^https?:\/\/[^\s/$.?#].[^\s]*$/;
const PUBLIC_KEY_RE = /^[a-zA-Z0-9+/=\-_\s\n\r]+$/;
const VERSION_RE = /^\d+\.\d+\.\d+(-[a-zA-Z0-9]+)?$/;

const text = (min: number, max: number) => z.string().trim().min(min).max(max);

/** Capabilities: 1–50 items, blanks skipped, each 2–100 chars of `[a-zA-Z0-9_-\s]`, ≥1 left. */
const CapabilitiesSchema = z
  .array(z.string(), { message: 'capabilities must be a list of strings' })
  .min(1)
  .max(50)
  .transform((items, ctx) => {
    const kept: string[] = [];
    items.forEach((raw, i) => {
      const cap = raw.trim();
      if (!cap) return;
      if (cap.length < 2 || cap.length > 100 || !CAPABILITY_RE.test(cap)) {
        ctx.addIssue({ code: 'custom', path: [i], message: 'Capability must be 2-100 chars of letters, digits, _, - or spaces' });
      }
      kept.push(cap);
    });
    if (kept.length === 0) ctx.addIssue({ code: 'custom', message: 'At least one non-blank capability is required' });
    return kept;
  });

const MetadataValueSchema = z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.unknown())], {
  message: 'Metadata values must be a string (≤1000 chars), number, boolean or list',
});

/** Metadata: non-empty object, ≤50 keys of ≤100 chars; no null or nested-object values. */
export const MetadataSchema = z
  .record(z.string().max(100, { message: 'Metadata keys are at most 100 chars' }), MetadataValueSchema)
  .refine((o) => Object.keys(o).length > 0, { message: 'metadata must not be empty' })
  .refine((o) => Object.keys(o).length <= 50, { message: 'metadata has at most 50 keys' });

export type AgentMetadata = z.output<typeof MetadataSchema>;

/** Features: ≤100 strings; blank or over-100-char items dropped; absent or null → []. */
const FeaturesSchema = z
  .array(z.string())
  .max(100)
  .nullish()
  .transform((items) => (items ?? []).map((f) => f.trim()).filter((f) => f.length > 0 && f.length <= 100));

/** Language codes: ≤20 items; strings of 2–5 chars kept lower-cased; nothing left → null. */
const LanguageSupportSchema = z
  .array(z.unknown())
  .max(20)
  .nullish()
  .transform((items) => {
    const kept = (items ?? [])
      .filter((l): l is string => typeof l === 'string')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l.length >= 2 && l.length <= 5);
    return kept.length ? kept : null;
  });

/** Policy tags: ≤20 items; non-blank strings of ≤50 chars kept; absent or null → []. */
const PolicyTagsSchema = z
  .array(z.unknown())
  .max(20)
  .nullish()
  .transform((items) =>
    (items ?? [])
      .filter((t): t is string => typeof t === 'string')
      .map((t) => t.trim())
      .filter((t) => t.length > 0 && t.length <= 50),
  );

export const COMMUNICATION_MODES = ['remote', 'local', 'hybrid'] as const;
export type CommunicationMode = (typeof COMMUNICATION_MODES)[number];

const CommunicationModeSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(COMMUNICATION_MODES, { message: 'communication_mode must be remote, local or hybrid' }));

const registrationShape = {
  name: text(2, 32),
  agent_id: text(3, 100).regex(AGENT_ID_RE, { message: 'agent_id may contain only letters, digits, _ and -' }),
  agent_type: text(2, 50).regex(AGENT_ID_RE, { message: 'agent_type may contain only letters, digits, _ and -' }),
  endpoint: z
    .string()
    .trim()
    .max(2048)
    .refine((s) => s.startsWith('http://') || s.startsWith('https://'), { message: 'endpoint must start with http:// or https://' })
    .refine((s) => ENDPOINT_RE.test(s), { message: 'endpoint is not a valid URL' }),
  context_brief: text(10, 1000),
  capabilities: CapabilitiesSchema,
  owner: text(2, 50),
  public_key: text(32, 1024).regex(PUBLIC_KEY_RE, { message: 'public_key contains invalid characters' }),
  metadata: MetadataSchema,
  version: z.string().trim().regex(VERSION_RE, { message: 'version must look like 1.2.3 or 1.2.3-tag' }),
  communication_mode: CommunicationModeSchema,
  features: FeaturesSchema,
  max_tokens: laxInt
    .pipe(z.number().min(1).max(1_000_000))
    .nullish()
    .transform((v) => v ?? null),
  language_support: LanguageSupportSchema,
  rate_limit: laxInt
    .pipe(z.number().min(1).max(10_000))
    .nullish()
    .transform((v) => v ?? null),
  requirements: RequirementsFieldSchema.optional().transform((v) => v ?? null),
  policy_tags: PolicyTagsSchema,
  ai_context: z
    .string()
    .trim()
    .max(5000)
    .nullish()
    .transform((v) => (v ? v : null)),
};

/** The registration body without the configuration-dependent agent type check. */
export const AgentRegistrationSchema = z.object(registrationShape);

/** Input as sent by a client; output as normalised and stored. */
export type AgentRegistrationInput = z.input<typeof AgentRegistrationSchema>;
export type AgentRegistration = z.output<typeof AgentRegistrationSchema>;

/**
 * The registration body with the `ALLOWED_AGENT_TYPES` check: case-insensitive match, the
 * caller's casing is kept.
 */
export function makeAgentRegistrationSchema(allowedTypes: readonly string[]) {
  const allowed = new Set(allowedTypes.map((t) => t.trim().toLowerCase()));
  const list = allowedTypes.join(', ');
  return z.object({
    ...registrationShape,
    agent_type: registrationShape.agent_type.refine((t) => allowed.has(t.toLowerCase()), {
      message: `agent_type must be one of: ${list}`,
    }),
  });
}
