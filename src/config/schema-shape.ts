/**
 * Walks the zod schema of the configuration: which keys an object accepts at a path.
 * The schema's nested objects are not strict, so unknown keys are found here, at every
 * level, where each one can be given a line and a suggestion.
 */
import type { z } from "zod";

type AnySchema = z.ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
}

const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strips default, prefault, optional and nullable wrappers. */
export function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let def = defOf(current); def.innerType; def = defOf(current)) current = def.innerType;
  return current;
}

/** The keys an object schema accepts, or undefined when the schema is not an object. */
export function shapeOf(schema: AnySchema): Record<string, AnySchema> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === "object" ? def.shape : undefined;
}

export interface UnknownKey {
  path: string[];
  known: string[];
}

export function findUnknownKeys(
  value: unknown,
  schema: AnySchema,
  path: string[] = [],
): UnknownKey[] {
  const shape = shapeOf(schema);
  if (!shape || value === null || typeof value !== "object" || Array.isArray(value)) return [];
  const found: UnknownKey[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childSchema = shape[key];
    if (!childSchema) found.push({ path: [...path, key], known: Object.keys(shape) });
    else found.push(...findUnknownKeys(child, childSchema, [...path, key]));
  }
  return found;
}

/** Removes the keys listed, so the schema's own `.strict()` does not report them again. */
export function withoutKeys(value: Record<string, unknown>, paths: string[][]): unknown {
  const copy = structuredClone(value);
  for (const path of paths) {
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) node = (node as Record<string, unknown>)[key];
    delete (node as Record<string, unknown>)[path.at(-1)!];
  }
  return copy;
}
