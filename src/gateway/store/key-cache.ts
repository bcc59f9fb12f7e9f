// API key records cached in memory for a few seconds: every request authenticates, and reading the store
// each time (keys.json parsed again, or a PostgreSQL round trip) was most of a refused request's cost.
// The cache holds records, never decisions: the presented key is still hashed and compared with the
// stored hash in constant time on every request (auth.ts).
// Freshness: a revoke through this store object drops the entry at once. A revoke elsewhere — `railclone keys
// revoke` (another process) or another gateway instance on the same PostgreSQL — takes effect within TTL_MS.
import type { ApiKeyRecord } from '../keys.js';
import type { GatewayStore } from './types.js';

export const KEY_CACHE_TTL_MS = 5_000;
// Unknown ids are cached too (a flood of made-up ids must not reach the store each time); the bound keeps
// such a flood from growing memory: the oldest entry goes first.
const MAX_ENTRIES = 10_000;

export function withKeyCache(store: GatewayStore, ttlMs = KEY_CACHE_TTL_MS): GatewayStore {
  // Promises, so concurrent requests with the same key share one read.
  const cache = new Map<string, { at: number; record: Promise<ApiKeyRecord | null> }>();
  const forget = (id: string) => cache.delete(id);

  const getKey = (id: string): Promise<ApiKeyRecord | null> => {
    const hit = cache.get(id);
    if (hit && Date.now() - hit.at < ttlMs) return hit.record;
    cache.delete(id); // re-inserted last: Map order is age order
    if (cache.size >= MAX_ENTRIES) forget(cache.keys().next().value!);
    const record = store.getKey(id);
    cache.set(id, { at: Date.now(), record });
    record.catch(() => cache.get(id)?.record === record && forget(id));
    return record;
  };

  return {
    ...store,
    getKey,
    createKey: async (key) => {
      await store.createKey(key);
      forget(key.id);
    },
    revokeKey: async (id, at) => {
      try {
        return await store.revokeKey(id, at);
      } finally {
        forget(id); // after the write: a read that began before it cannot stay cached
      }
    },
  };
}
