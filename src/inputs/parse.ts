// zod issues → our ValidationError: the first problem names the field; all of them ride along.
import type { z } from 'zod';
import { ValidationError } from '../util/errors.js';

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    field:
      i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys.join(',') : i.path.join('.') || what,
    message: i.message,
  }));
  const first = result.error.issues[0]!;
  const field = issues[0]!.field;
  const provided = first.code === 'unrecognized_keys' ? undefined : valueAt(input, first.path);
  const pattern = 'pattern' in first ? String((first as { pattern?: unknown }).pattern) : undefined;
  const message =
    first.code === 'unrecognized_keys'
      ? `unknown field(s) in ${what}: ${field}`
      : `${field}: ${first.message}`;
  throw new ValidationError(field, message, {
    ...(provided === undefined ? {} : { provided }),
    ...(pattern ? { pattern } : {}),
    issues,
  });
}
