// Bounded retries with exponential backoff and full jitter, honouring Railway's Retry-After.
// Only transient failures (429, 5xx, network, timeout, non-JSON bodies) come here as
// TransientFailure; GraphQL resolver errors ("Not Authorized") and 400s never do.

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  /** Cap of one backoff wait; a Retry-After longer than this is not waited out (see withRetry). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export type TransientKind = 'rate-limit' | 'server' | 'network' | 'timeout' | 'bad-body';

/** A failure worth another attempt. `ambiguous`: the request may have been executed. */
export class TransientFailure extends Error {
  constructor(
    readonly kind: TransientKind,
    readonly reason: string,
    readonly opts: { ambiguous: boolean; status?: number; retryAfterMs?: number | null } = {
      ambiguous: true,
    },
  ) {
    super(reason);
    this.name = 'TransientFailure';
  }
  get ambiguous(): boolean {
    return this.opts.ambiguous;
  }
  get status(): number | undefined {
    return this.opts.status;
  }
  get retryAfterMs(): number | null {
    return this.opts.retryAfterMs ?? null;
  }
}

/** Full jitter: a uniform wait in [0, min(max, base·2^attempt)] (AWS architecture blog's advice). */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * How long the server asked us to wait, in ms: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (epoch seconds, epoch ms, seconds from now, or a date). Null if neither.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | null {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset) {
    if (/^\d+(\.\d+)?$/.test(reset)) {
      const n = Number(reset);
      if (n > 1e12) return Math.max(0, n - now); // epoch milliseconds
      if (n > 1e9) return Math.max(0, n * 1000 - now); // epoch seconds
      return Math.ceil(n * 1000); // seconds from now
    }
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return null;
}

export interface RetryHooks<T> {
  policy: RetryPolicy;
  sleep: Sleep;
  /** Safe to send again after an ambiguous failure. */
  idempotent: boolean;
  /**
   * For non-idempotent mutations: after an ambiguous failure, find out whether it happened.
   * Returns the existing result, or undefined if it did not happen (then we retry).
   */
  recover?: () => Promise<T | undefined>;
  /** Turns the last failure into the typed error thrown when retries are exhausted or not allowed. */
  giveUp: (failure: TransientFailure, why: 'exhausted' | 'not-idempotent' | 'wait-too-long') => Error;
  onRetry?: (failure: TransientFailure, attempt: number, delayMs: number) => void;
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, throws a non-transient error, or retries run out.
 * `attempt` receives whether an earlier attempt failed ambiguously (a delete may then find the
 * object already gone, which counts as done).
 */
export async function withRetry<T>(
  attempt: (state: { attempt: number; afterAmbiguous: boolean }) => Promise<T>,
  hooks: RetryHooks<T>,
): Promise<T> {
  let afterAmbiguous = false;
  for (let n = 0; ; n++) {
    try {
      return await attempt({ attempt: n, afterAmbiguous });
    } catch (err) {
      if (!(err instanceof TransientFailure)) throw err;
      if (err.ambiguous) afterAmbiguous = true;
      if (err.ambiguous && !hooks.idempotent) {
        if (!hooks.recover) throw hooks.giveUp(err, 'not-idempotent');
        const existing = await hooks.recover();
        if (existing !== undefined) return existing;
      }
      if (n >= hooks.policy.retries) throw hooks.giveUp(err, 'exhausted');
      const asked = err.retryAfterMs;
      // A Retry-After beyond our cap (an hourly quota) is not waited out inside one step: fail fast
      // with the time, and let the caller (Kestra's step retry) come back later.
      if (asked !== null && asked > hooks.policy.maxDelayMs) throw hooks.giveUp(err, 'wait-too-long');
      const delay = asked !== null ? asked : backoffDelay(n, hooks.policy, hooks.random);
      hooks.onRetry?.(err, n + 1, delay);
      await hooks.sleep(delay);
    }
  }
}
