// What a flow hands a step: RAILCLONE_REQUEST = `(trigger.body ?? inputs) | toJson` and
// RAILCLONE_REQUEST_ORIGIN = `webhook` (the body, exactly as the clone API sent it) or `form` (the Kestra
// UI form, where every input left empty arrives as null). The request schemas are strict and read null
// as a value ("ttl": null = never expires), so a form's empty fields are dropped; a webhook body is not touched.

export type RequestOrigin = 'webhook' | 'form';

export function requestFromFlow(raw: string | undefined, origin: string | undefined = 'webhook'): unknown {
  if (raw === undefined || raw.trim() === '') return {};
  const parsed: unknown = JSON.parse(raw);
  return origin === 'form' ? dropEmpty(parsed) : parsed;
}

function dropEmpty(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}
