// Inputs as they may be stored (audit, history): registered secrets masked, and the values of fields whose
// names say "secret" replaced whole — variable_overrides values are Railway variables, always secret.
import { redact } from '../util/secrets.js';

const SECRET_NAME = /(pass(word)?|secret|token|key|credential|auth|private|dsn|database_url|_url$)/i;
const MASK = '***';
/** Names that look secret but are references: mask_key_name names a server-held key, never holds one. */
const REFERENCES = new Set(['mask_key_name']);

export function redactInputs(value: unknown, path: string[] = []): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactInputs(v, path));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    // Every value under variable_overrides.<service>.<NAME> is a Railway variable: never keep its text.
    const underOverrides = path[0] === 'variable_overrides' && path.length === 2;
    const next =
      underOverrides || (typeof v === 'string' && SECRET_NAME.test(k) && !REFERENCES.has(k))
        ? MASK
        : redactInputs(v, [...path, k]);
    // defineProperty, not assignment: a body key "__proto__" must stay data, never become a prototype.
    Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Whether stored inputs lost anything to redaction (then they cannot be run again as they were sent). */
export function wasRedacted(stored: unknown): boolean {
  return JSON.stringify(stored).includes(MASK);
}
