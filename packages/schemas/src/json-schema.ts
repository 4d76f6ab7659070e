/**
 * zod → JSON Schema, the one conversion every generated document goes through. Schemas describe
 * the wire as sent (`io: 'input'`: before any transform), and a set of named schemas becomes one
 * components map whose members refer to each other by `$ref` instead of repeating themselves.
 */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;
export type Draft = 'draft-2020-12' | 'draft-7';

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** One schema, self-contained (with `$schema`), for a standalone file. */
export function standalone(schema: z.ZodType, draft: Draft, id?: string): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', target: draft, unrepresentable: 'throw' }) as JsonSchema;
  return id === undefined ? out : { $schema: out.$schema, $id: id, ...strip(out) };
}

/**
 * Named schemas as a components map (`#/components/schemas/<name>`). A schema object listed
 * under two names is converted once (zod's registry holds one id per object); the second name
 * becomes a `$ref` to the first.
 */
export function components(named: ReadonlyArray<readonly [string, z.ZodType]>, draft: Draft): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  const aliases: Array<[string, string]> = [];
  const seen = new Map<z.ZodType, string>();
  for (const [name, schema] of named) {
    const first = seen.get(schema);
    if (first !== undefined) {
      if (first !== name) aliases.push([name, first]);
      continue;
    }
    seen.set(schema, name);
    registry.add(schema, { id: name });
  }
  const out = z.toJSONSchema(registry, { io: 'input', target: draft, unrepresentable: 'throw', uri: (id) => `#/components/schemas/${id}` });
  const result: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(out.schemas)) result[name] = strip(schema as JsonSchema);
  for (const [alias, target] of aliases) result[alias] = { $ref: `#/components/schemas/${target}` };
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
}
