// Who is calling: `Authorization: Bearer <key>` or `X-API-Key: <key>` → the key record, or 401.
import type { Context } from 'hono';
import { hashKey, keyIdOf, keyMatches, inScope, type ApiKeyRecord } from './keys.js';
import type { GatewayStore } from './store/types.js';
import { forbidden, unauthorized } from './http-errors.js';

// Compared against when the key id is unknown, so a miss costs the same as a wrong secret.
const DUMMY_HASH = hashKey('rck_000000000000_not-a-key');

function presentedKey(c: Context): string {
  const auth = c.req.header('authorization');
  const apiKey = c.req.header('x-api-key');
  let key: string | undefined;
  if (auth !== undefined) {
    // The scheme is case-insensitive (RFC 9110); exactly one token after it.
    const m = /^bearer[ ]+([^\s,]+)$/i.exec(auth.trim());
    if (!m) throw unauthorized('Authorization must be "Bearer <api key>"');
    key = m[1];
  }
  if (apiKey !== undefined) {
    const v = apiKey.trim();
    if (key !== undefined && key !== v) throw unauthorized('Authorization and X-API-Key name different keys');
    key = v;
  }
  if (!key) throw unauthorized('an API key is required: Authorization: Bearer <key> or X-API-Key: <key>');
  return key;
}

export async function authenticate(c: Context, store: GatewayStore): Promise<ApiKeyRecord> {
  const presented = presentedKey(c);
  const id = keyIdOf(presented);
  const record = id ? await store.getKey(id) : null;
  const matches = keyMatches(presented, record?.hash ?? DUMMY_HASH);
  if (!record || !matches) throw unauthorized('the API key is not valid');
  if (record.revoked_at) throw unauthorized('the API key was revoked');
  return record;
}

export function requireScope(key: ApiKeyRecord, namespace: string, flowId: string): void {
  if (!inScope(key, namespace, flowId)) {
    throw forbidden(`API key ${key.id} may not use ${namespace}/${flowId}`, {
      key_id: key.id,
      namespace,
      flow_id: flowId,
    });
  }
}
