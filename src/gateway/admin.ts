// Key management and audit verification, shared by the CLI and the tests.
import { z } from 'zod';
import { parseInput } from '../inputs/index.js';
import { verifyChain, type AuditVerdict } from './audit.js';
import { NAMESPACE_PATTERN } from './config.js';
import { FLOW_ID_PATTERN } from './flows.js';
import { type ApiKeyRecord, newKey } from './keys.js';
import type { GatewayStore } from './store/types.js';

export const KeyRequestSchema = z
  .object({
    name: z.string().min(1).max(100),
    namespaces: z
      .array(z.union([z.literal('*'), z.string().regex(NAMESPACE_PATTERN, 'a namespace like railclone')]))
      .min(1),
    flows: z.array(z.string().regex(FLOW_ID_PATTERN, 'a flow id like clone-staging-api')).default([]),
    rate_limit: z.number().int().min(1).max(100_000).nullable().default(null),
    admin: z.boolean().default(false),
  })
  .strict();

/** Creates a key; the plain key is returned once and never stored. */
export async function createApiKey(
  store: GatewayStore,
  input: z.input<typeof KeyRequestSchema>,
  now = new Date(),
): Promise<{ key: string; record: ApiKeyRecord }> {
  const req = parseInput(KeyRequestSchema, input, 'key');
  const { id, key, hash } = newKey();
  const record: ApiKeyRecord = {
    id,
    name: req.name,
    hash,
    namespaces: req.namespaces,
    flows: req.flows,
    rate_limit: req.rate_limit,
    admin: req.admin,
    created_at: now.toISOString(),
    revoked_at: null,
  };
  await store.createKey(record);
  return { key, record };
}

export async function listApiKeys(store: GatewayStore) {
  return (await store.listKeys()).map(({ hash: _hash, ...rest }) => rest);
}

/** The trail against its checkpoint, with the store's audit key. */
export async function verifyAudit(store: GatewayStore): Promise<AuditVerdict> {
  const [entries, checkpoint] = await Promise.all([store.listAudit(), store.auditCheckpoint()]);
  return verifyChain(entries, checkpoint, store.auditSigner);
}
