// PostgreSQL when RAILCLONE_GATEWAY_DATABASE_URL is set; otherwise files under RAILCLONE_GATEWAY_DIR.
import type { GatewayEnv } from '../config.js';
import { openFileStore } from './file.js';
import { openPostgresStore } from './postgres.js';
import type { GatewayStore } from './types.js';

export type { GatewayStore } from './types.js';

export function openStore(
  env: Pick<GatewayEnv, 'RAILCLONE_GATEWAY_DATABASE_URL' | 'RAILCLONE_GATEWAY_DIR'>,
): Promise<GatewayStore> {
  return env.RAILCLONE_GATEWAY_DATABASE_URL
    ? openPostgresStore(env.RAILCLONE_GATEWAY_DATABASE_URL)
    : openFileStore(env.RAILCLONE_GATEWAY_DIR);
}
