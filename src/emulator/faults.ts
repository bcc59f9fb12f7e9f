// Injected faults, for retry and recovery tests: the nth call of a root field fails (GraphQL error or
// an HTTP status), rate limiting (429 + Retry-After), latency, and dropped connections (the server
// does the work, the client never hears back: the non-idempotent-create case).

export interface Fault {
  message?: string;
  status?: number;
}

export interface FaultInjector {
  failNth(field: string, n: number, fault?: Fault): void;
  rateLimit(count: number, retryAfterSeconds: number): void;
  latency(ms: number, field?: string): void;
  dropConnection(field: string, n: number): void;
  clear(): void;
}

/** What the HTTP layer should do with one request, decided before and after execution. */
export interface FaultPlan {
  rateLimited: { retryAfterSeconds: number } | null;
  delayMs: number;
  fail: Fault | null;
  drop: boolean;
}

export class Faults implements FaultInjector {
  private calls = new Map<string, number>();
  private failures: { field: string; at: number; fault: Fault }[] = [];
  private drops: { field: string; at: number }[] = [];
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

  clear(): void {
    this.failures = [];
    this.drops = [];
    this.limited = null;
    this.delays = [];
  }

  private count(field: string): number {
    return this.calls.get(field) ?? 0;
  }

  /** Called once per request with the root fields it selects; counts the calls. */
  plan(rootFields: string[]): FaultPlan {
    const out: FaultPlan = { rateLimited: null, delayMs: 0, fail: null, drop: false };
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
      const d = this.drops.findIndex((x) => x.field === field && x.at === n);
      if (d >= 0) {
        this.drops.splice(d, 1);
        out.drop = true;
      }
    }
    return out;
  }
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${n}`);
  return n;
}
