// Reading a request: JSON bodies only (415 otherwise), a body must be an object, query strings into the
// objects the shared schemas check (query booleans: true/false/1/0).
import type { Context } from 'hono';
import { ValidationError } from '../util/errors.js';
import { HttpError } from './http-errors.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The parsed body; an empty body is `{}`. A body of another media type is refused before it is read. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type');
  const text = await c.req.text();
  if ((type !== undefined || text.trim() !== '') && !JSON_TYPE.test(type ?? '')) {
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      'the body must be JSON (Content-Type: application/json)',
      {
        field: 'Content-Type',
        provided: type ?? null,
        ...(type === undefined ? { missing: true } : {}),
        allowed: ['application/json'],
      },
    );
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('body', 'the body is not valid JSON', {
      provided: text.slice(0, 64),
      allowed: 'a JSON object',
    });
  }
}

/** Refuses a body that is not a JSON object, naming its JSON type. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('body', 'the body must be a JSON object', {
      provided: body === null ? 'null' : Array.isArray(body) ? 'array' : typeof body,
      allowed: 'a JSON object',
    });
  }
  return body as Record<string, unknown>;
}

const BOOLEAN_QUERY = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

/** Query string → the object a shared schema checks. `booleans` name the fields that take true/false/1/0. */
export function queryObject(
  c: Context,
  booleans: readonly string[] = [],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.req.query())) {
    let value: unknown = v;
    if (booleans.includes(k)) {
      value = BOOLEAN_QUERY.get(v.toLowerCase());
      if (value === undefined)
        throw new ValidationError(k, `${k} must be true, false, 1 or 0`, {
          provided: v,
          allowed: [...BOOLEAN_QUERY.keys()],
        });
    }
    // defineProperty: a query key "__proto__" stays data.
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return Object.assign(out, extra);
}
