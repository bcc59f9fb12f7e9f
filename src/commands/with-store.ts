// Opens the gateway store the environment names (RAILCLONE_GATEWAY_DATABASE_URL, else RAILCLONE_GATEWAY_DIR),
// runs `fn`, closes it. Shared by `railclone keys …` and `railclone audit …`.
import { readGatewayEnv } from '../gateway/config.js';
import { openStore } from '../gateway/store/index.js';
import type { GatewayStore } from '../gateway/store/types.js';

export async function withStore<T>(fn: (store: GatewayStore) => Promise<T>): Promise<T> {
  const store = await openStore(readGatewayEnv());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
