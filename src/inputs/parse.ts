// zod issues → our ValidationError: the first problem names the field, what was given (or that it was
// missing) and what is allowed — a `pattern` (regex source, `^…$`) or an `allowed` list/description — the
// same way for every schema; all problems ride along in `issues`.
import type { z } from 'zod';
import { ValidationError } from '../util/errors.js';

type Issue = z.core.$ZodIssue;

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Object.hasOwn(v, key) ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return v;
}

/** The object schema at `path` (through optional/default/nullable wrappers), for its field names. */
function objectShapeAt(schema: z.ZodType, path: PropertyKey[]): Record<string, unknown> | undefined {
  let s: unknown = schema;
  const unwrap = () => {
    for (let i = 0; i < 10; i++) {
      const def = (s as { def?: { innerType?: unknown; in?: unknown } }).def;
      if (def?.innerType) s = def.innerType;
      else if (def?.in) s = def.in;
      else break;
    }
  };
  unwrap();
  for (const key of path) {
    const shape = (s as { shape?: Record<PropertyKey, unknown> }).shape;
    if (!shape || !Object.hasOwn(shape, key)) return undefined;
    s = shape[key];
    unwrap();
  }
  return (s as { shape?: Record<string, unknown> }).shape;
}

/** A RegExp or zod's "/…/flags" text → the bare source, as OpenAPI and names.ts write it. */
export function patternSource(pattern: unknown): string {
  if (pattern instanceof RegExp) return pattern.source;
  const text = String(pattern);
  const m = /^\/(.*)\/[a-z]*$/s.exec(text);
  return m ? m[1]! : text;
}

const SIZE_UNIT: Record<string, string> = { string: 'characters', array: 'items', set: 'items' };

/** What the field accepts, for the issue at hand: a pattern, or an allowed list or description. */
function allowedBy(issue: Issue, schema: z.ZodType): { pattern?: string; allowed?: unknown } {
  switch (issue.code) {
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? { pattern: patternSource(issue.pattern) }
        : { allowed: `a ${issue.format}` };
    case 'invalid_value':
      return { allowed: issue.values };
    case 'invalid_type':
      return issue.expected === 'boolean' ? { allowed: [true, false] } : { allowed: `a ${issue.expected}` };
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const unit = SIZE_UNIT[issue.origin];
      return {
        allowed: unit
          ? `${word} ${String(bound)} ${unit}`
          : `${issue.origin === 'int' ? 'an integer' : `a ${issue.origin}`} ${word} ${String(bound)}`,
      };
    }
    case 'unrecognized_keys': {
      const shape = objectShapeAt(schema, issue.path);
      return { allowed: shape ? Object.keys(shape) : 'no other fields' };
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { pattern?: unknown; allowed?: unknown };
      if (params.pattern !== undefined) return { pattern: patternSource(params.pattern) };
      return { allowed: params.allowed ?? issue.message };
    }
    default:
      return { allowed: issue.message };
  }
}

/** How a given value is reported: the value itself; for a wrong-typed whole body, its JSON type. */
function providedOf(value: unknown, atRoot: boolean): unknown {
  if (!atRoot) return value;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? value : typeof value;
}

/**
 * A union's "Invalid input" says nothing: report the issues of the branch that got furthest (its
 * deepest issue; on a tie, one that is not just the wrong type), under the union's path.
 */
function throughUnions(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((i) => {
    if (i.code !== 'invalid_union' || !('errors' in i) || !i.errors?.length) return [i];
    const score = (b: readonly Issue[]) =>
      Math.max(...b.map((e) => e.path.length)) * 2 + (b.some((e) => e.code !== 'invalid_type') ? 1 : 0);
    const best = i.errors.reduce((a, b) => (score(b) > score(a) ? b : a));
    return throughUnions(best.map((e) => ({ ...e, path: [...i.path, ...e.path] }) as Issue));
  });
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const all = throughUnions(result.error.issues);
  const issues = all.map((i) => ({
    field:
      i.code === 'unrecognized_keys'
        ? [...i.path, i.keys.join(',')].join('.')
        : i.path.map(String).join('.') || what,
    message: i.message,
  }));
  const first = all[0]!;
  const field = issues[0]!.field;
  const value = first.code === 'unrecognized_keys' ? first.keys : valueAt(input, first.path);
  const missing = value === undefined;
  const message =
    first.code === 'unrecognized_keys'
      ? `unknown field(s) in ${what}: ${field}`
      : missing
        ? `${field} is missing: ${first.message}`
        : `${field}: ${first.message}`;
  // A variable's value is a secret: the error says what is wrong with it, never what it is.
  const secretValue = first.path[0] === 'variable_overrides' && first.path.length === 3;
  throw new ValidationError(field, message, {
    provided: missing
      ? null
      : secretValue
        ? `${typeof value === 'string' ? `${value.length} characters` : typeof value} (value not shown)`
        : providedOf(value, first.path.length === 0),
    ...(missing ? { missing: true } : {}),
    ...allowedBy(first, schema),
    issues,
  });
}
