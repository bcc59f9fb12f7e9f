// Injected faults, for retry and recovery tests: the nth call of a root field fails (GraphQL error or
// an HTTP status, before or after the work), rate limiting (429 + Retry-After), latency, connections
// reset before the work, late answers and dropped connections (the server does the work, the client
// never hears back in time: the non-idempotent-create case).
import type { DeploymentStatus } from '../railway/types.js';

export interface Fault {
  message?: string;
  status?: number;
  /**
   * With `status`: the work runs first, then the answer is that status, as when Railway's gateway
   * (Cloudflare: 502, 504, 524) gives up on a request the API went on to finish.
   */
  afterWork?: boolean;
}

export interface FaultInjector {
  /**
   * The next `count` deployments (of `service`, by name, or of any service) end in `status` instead
   * of SUCCESS: FAILED/CRASHED after building, SKIPPED at once, NEEDS_APPROVAL/WAITING never move on.
   */
  deploymentEnds(status: DeploymentStatus, opts?: { service?: string; count?: number }): void;
  failNth(field: string, n: number, fault?: Fault): void;
  rateLimit(count: number, retryAfterSeconds: number): void;
  /** Every call (of `field`, or any) waits `ms` before it runs. */
  latency(ms: number, field?: string): void;
  /** The nth call of `field` runs, then its connection is destroyed without an answer. */
  dropConnection(field: string, n: number): void;
  /** The nth call of `field` has its connection reset (RST) before anything runs. */
  resetConnection(field: string, n: number): void;
  /** The nth call of `field` runs, then its answer is held `ms` (a client that times out sooner missed it). */
  lateAnswer(field: string, n: number, ms: number): void;
  clear(): void;
}

/** What the HTTP layer should do with one request, decided before and after execution. */
export interface FaultPlan {
  rateLimited: { retryAfterSeconds: number } | null;
  delayMs: number;
  fail: Fault | null;
  drop: boolean;
  reset: boolean;
  /** Held after the work, before the answer. */
  lateMs: number;
}

export class Faults implements FaultInjector {
  private calls = new Map<string, number>();
  private outcomes: { status: DeploymentStatus; service?: string; remaining: number }[] = [];

  deploymentEnds(status: DeploymentStatus, opts: { service?: string; count?: number } = {}): void {
    this.outcomes.push({ status, service: opts.service, remaining: positive(opts.count ?? 1, 'count') });
  }

  /** How the next deployment of `service` ends (null: as it should, SUCCESS). */
  takeDeploymentOutcome(service: string): DeploymentStatus | null {
    const i = this.outcomes.findIndex((o) => !o.service || o.service === service);
    if (i < 0) return null;
    const o = this.outcomes[i]!;
    if (--o.remaining === 0) this.outcomes.splice(i, 1);
    return o.status;
  }

  /** Calls per root field so far. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.calls);
  }
  private failures: { field: string; at: number; fault: Fault }[] = [];
  private drops: { field: string; at: number }[] = [];
  private resets: { field: string; at: number }[] = [];
  private late: { field: string; at: number; ms: number }[] = [];
  private limited: { remaining: number; retryAfterSeconds: number } | null = null;
  private delays: { ms: number; field?: string }[] = [];

  failNth(field: string, n: number, fault: Fault = {}): void {
    this.failures.push({ field, at: this.count(field) + positive(n, 'n'), fault });
  }

  rateLimit(count: number, retryAfterSeconds: number): void {
    this.limited = {
      remaining: positive(count, 'count'),
      retryAfterSeconds: Math.max(0, Math.floor(retryAfterSeconds)),
    };
  }

  latency(ms: number, field?: string): void {
    this.delays.push({ ms: Math.max(0, ms), field });
  }

  dropConnection(field: string, n: number): void {
    this.drops.push({ field, at: this.count(field) + positive(n, 'n') });
  }

  resetConnection(field: string, n: number): void {
    this.resets.push({ field, at: this.count(field) + positive(n, 'n') });
  }

  lateAnswer(field: string, n: number, ms: number): void {
    this.late.push({ field, at: this.count(field) + positive(n, 'n'), ms: Math.max(0, ms) });
  }

  clear(): void {
    this.outcomes = [];
    this.failures = [];
    this.drops = [];
    this.resets = [];
    this.late = [];
    this.limited = null;
    this.delays = [];
  }

  private count(field: string): number {
    return this.calls.get(field) ?? 0;
  }

  /** Called once per request with the root fields it selects; counts the calls. */
  plan(rootFields: string[]): FaultPlan {
    const out: FaultPlan = {
      rateLimited: null,
      delayMs: 0,
      fail: null,
      drop: false,
      reset: false,
      lateMs: 0,
    };
    if (this.limited && this.limited.remaining > 0) {
      this.limited.remaining -= 1;
      out.rateLimited = { retryAfterSeconds: this.limited.retryAfterSeconds };
      if (this.limited.remaining === 0) this.limited = null;
      return out;
    }
    for (const d of this.delays)
      if (!d.field || rootFields.includes(d.field)) out.delayMs = Math.max(out.delayMs, d.ms);
    for (const field of new Set(rootFields)) {
      const n = this.count(field) + 1;
      this.calls.set(field, n);
      const f = this.failures.findIndex((x) => x.field === field && x.at === n);
      if (f >= 0) out.fail ??= this.failures.splice(f, 1)[0]!.fault;
      out.drop = take(this.drops, field, n) !== undefined || out.drop;
      out.reset = take(this.resets, field, n) !== undefined || out.reset;
      out.lateMs = Math.max(out.lateMs, take(this.late, field, n)?.ms ?? 0);
    }
    return out;
  }
}

/** Removes and returns the fault planned for call `n` of `field`, if any. */
function take<T extends { field: string; at: number }>(list: T[], field: string, n: number): T | undefined {
  const i = list.findIndex((x) => x.field === field && x.at === n);
  return i >= 0 ? list.splice(i, 1)[0] : undefined;
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${n}`);
  return n;
}
