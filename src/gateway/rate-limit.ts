// Clone starts per key per fixed window (default 10 per hour). The count lives in the store, so the
// limit holds across gateway instances; the headers follow draft-ietf-httpapi-ratelimit-headers.
import { HttpError } from './http-errors.js';
import type { ApiKeyRecord } from './keys.js';
import type { GatewayStore } from './store/types.js';

export interface RateConfig {
  defaultLimit: number;
  windowSeconds: number;
}

export interface RateTicket {
  window: number;
  headers: Record<string, string>;
}

export async function takeStart(
  store: GatewayStore,
  key: ApiKeyRecord,
  cfg: RateConfig,
  now = Date.now(),
): Promise<RateTicket> {
  const limit = key.rate_limit ?? cfg.defaultLimit;
  const windowMs = cfg.windowSeconds * 1000;
  const window = Math.floor(now / windowMs);
  const reset = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
  const take = await store.takeRate(key.id, window, limit);
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
  return { window, headers };
}
