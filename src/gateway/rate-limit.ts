// Clone starts per key over a sliding window (default 10 per hour): a start is allowed when fewer than
// `limit` starts happened in the last `window` seconds — so no window edge lets 2×limit through, as fixed
// windows do. The starts live in the store (PostgreSQL: one locked row per key, the database's clock), so the
// limit is exact across gateway instances. Headers follow draft-ietf-httpapi-ratelimit-headers.
import { HttpError } from './http-errors.js';
import type { ApiKeyRecord } from './keys.js';
import type { GatewayStore } from './store/types.js';

export interface RateConfig {
  defaultLimit: number;
  windowSeconds: number;
}

export interface RateTicket {
  headers: Record<string, string>;
  /** Gives the start back (the engine refused it). */
  refund(): Promise<void>;
}

export async function takeStart(
  store: GatewayStore,
  key: ApiKeyRecord,
  cfg: RateConfig,
): Promise<RateTicket> {
  const limit = key.rate_limit ?? cfg.defaultLimit;
  const take = await store.takeRate(key.id, limit, cfg.windowSeconds * 1000);
  // Seconds until the oldest counted start leaves the window (then one more start fits).
  const reset = Math.max(1, Math.ceil(take.resetMs / 1000));
  const headers = {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, limit - take.count)),
    'RateLimit-Reset': String(reset),
  };
  if (!take.allowed) {
    throw new HttpError(
      429,
      'RateLimited',
      `API key ${key.id} may start ${limit} clone(s) per ${cfg.windowSeconds} s; try again in ${reset} s`,
      { key_id: key.id, limit, window_seconds: cfg.windowSeconds, retry_after_seconds: reset },
      { ...headers, 'Retry-After': String(reset) },
    );
  }
  const stamp = take.stamp!;
  return { headers, refund: () => store.refundRate(key.id, stamp) };
}
