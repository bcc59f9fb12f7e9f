// What a flow hands a step: RAILCLONE_REQUEST =
//   {{ {'origin': (trigger.body ?? null) is null ? 'form' : 'webhook', 'request': trigger.body ?? inputs} | toJson }}
// i.e. {"origin": "webhook", "request": the body exactly as the clone API sent it} or {"origin": "form",
// "request": the Kestra UI form, where every input left empty arrives as null}. The request schemas are strict
// and read null as a value ("ttl": null = never expires), so a form's empty fields are dropped; a webhook body
// is not touched. Without the envelope (`railclone task` run by hand) the JSON is the request itself.

export type RequestOrigin = 'webhook' | 'form';

export function requestFromFlow(raw: string | undefined): unknown {
  if (raw === undefined || raw.trim() === '') return {};
  const parsed: unknown = JSON.parse(raw);
  if (!isEnvelope(parsed)) return parsed;
  return parsed.origin === 'form' ? dropEmpty(parsed.request) : parsed.request;
}

function isEnvelope(v: unknown): v is { origin: RequestOrigin; request: unknown } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v).sort();
  const origin = (v as { origin?: unknown }).origin;
  return (
    keys.length === 2 &&
    keys[0] === 'origin' &&
    keys[1] === 'request' &&
    (origin === 'form' || origin === 'webhook')
  );
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
