// PostgreSQL when RAILCLONE_GATEWAY_DATABASE_URL is set; otherwise files under RAILCLONE_GATEWAY_DIR.
import type { GatewayEnv } from '../config.js';
import { openFileStore } from './file.js';
import { openPostgresStore } from './postgres.js';
import type { GatewayStore } from './types.js';

export type { GatewayStore } from './types.js';

export function openStore(
  env: Pick<GatewayEnv, 'RAILCLONE_GATEWAY_DATABASE_URL' | 'RAILCLONE_GATEWAY_DIR' | 'RAILCLONE_AUDIT_KEY'>,
): Promise<GatewayStore> {
  const opts = { auditKey: env.RAILCLONE_AUDIT_KEY };
  return env.RAILCLONE_GATEWAY_DATABASE_URL
    ? openPostgresStore(env.RAILCLONE_GATEWAY_DATABASE_URL, opts)
    : openFileStore(env.RAILCLONE_GATEWAY_DIR, opts);
}
