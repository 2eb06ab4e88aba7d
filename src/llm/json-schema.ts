// JSON Schemas for model output: from a zod schema (the contract the caller validates against) to
// the JSON Schema sent to remote endpoints and the subset node-llama-cpp turns into a grammar.
// The grammar is a first fence only; zod validates again after generation, so keywords the
// grammar cannot express (patterns, numeric bounds) are dropped here and enforced there.
import type { GbnfJsonSchema } from 'node-llama-cpp';
import { z } from 'zod';
import { StewardError } from '../errors/index.js';

export type JsonSchema = Record<string, unknown>;

/** The JSON Schema of what the model must produce for `schema` (zod's input side). */
// zod's toJSONSchema walks the whole schema (~5 ms for the treasury decision); a schema object is
// immutable, so its JSON Schema is computed once and each caller gets its own copy.
const converted = new WeakMap<z.ZodType, JsonSchema>();

export function zodToJsonSchema(schema: z.ZodType): JsonSchema {
  let json = converted.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw', target: 'draft-2020-12' }) as JsonSchema;
    delete json.$schema;
    converted.set(schema, json);
  }
  return structuredClone(json);
}

function unsupported(keyword: string, path: string): never {
  throw new StewardError('INTERNAL', `the decision schema uses ${keyword} at ${path || '$'}, which a llama.cpp grammar cannot express`, {
    context: { keyword, path },
    hint: 'Use objects, arrays, strings, enums, booleans and integers in decision schemas; express amounts as decimal strings.',
  });
}

const STRING_FORMATS = new Set(['date-time', 'time', 'date']);

/** Converts a JSON Schema into the subset node-llama-cpp's grammar generator understands. */
export function toGbnfJsonSchema(schema: JsonSchema, path = ''): GbnfJsonSchema {
  const description = typeof schema.description === 'string' ? { description: schema.description } : {};
  if (typeof schema.$ref === 'string') return { $ref: schema.$ref as never, ...description };
  const defs =
    schema.$defs && typeof schema.$defs === 'object'
      ? {
          $defs: Object.fromEntries(
            Object.entries(schema.$defs as Record<string, JsonSchema>).map(([name, def]) => [
              name,
              toGbnfJsonSchema(def, `${path}.$defs.${name}`),
            ]),
          ),
        }
      : {};
  if ('const' in schema) return { const: schema.const as string, ...description };
  if (Array.isArray(schema.enum)) return { enum: schema.enum as string[], ...description };
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) {
    return { oneOf: alternatives.map((alt, i) => toGbnfJsonSchema(alt, `${path}|${i}`)), ...defs, ...description } as GbnfJsonSchema;
  }
  if (schema.allOf) unsupported('allOf', path);
  if (schema.not) unsupported('not', path);
  const type = schema.type;
  if (Array.isArray(type)) return { type: type as never, ...description };
  switch (type) {
    case 'object': {
      const properties = Object.fromEntries(
        Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([key, value]) => [
          key,
          toGbnfJsonSchema(value, `${path}.${key}`),
        ]),
      );
      const extra = schema.additionalProperties;
      return {
        type: 'object',
        properties,
        ...(Array.isArray(schema.required) ? { required: schema.required as string[] } : {}),
        additionalProperties: extra && typeof extra === 'object' ? toGbnfJsonSchema(extra as JsonSchema, `${path}.*`) : false,
        ...defs,
        ...description,
      } as GbnfJsonSchema;
    }
    case 'array':
      return {
        type: 'array',
        ...(schema.items && typeof schema.items === 'object' ? { items: toGbnfJsonSchema(schema.items as JsonSchema, `${path}[]`) } : {}),
        ...(Array.isArray(schema.prefixItems)
          ? { prefixItems: (schema.prefixItems as JsonSchema[]).map((item, i) => toGbnfJsonSchema(item, `${path}[${i}]`)) }
          : {}),
        ...(typeof schema.minItems === 'number' ? { minItems: schema.minItems } : {}),
        ...(typeof schema.maxItems === 'number' ? { maxItems: schema.maxItems } : {}),
        ...defs,
        ...description,
      } as GbnfJsonSchema;
    case 'string':
      if (typeof schema.format === 'string' && STRING_FORMATS.has(schema.format)) {
        return { type: 'string', format: schema.format as 'date', ...description };
      }
      return {
        type: 'string',
        ...(typeof schema.minLength === 'number' ? { minLength: schema.minLength } : {}),
        ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
        ...description,
      };
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return { type, ...description };
    default:
      return unsupported(type === undefined ? 'a schema without a type (any value)' : `type ${String(type)}`, path);
  }
}
