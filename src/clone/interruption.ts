// A clone stopped from outside (SIGINT/SIGTERM, see ../commands/interrupt.ts): the steps lose their
// Railway client — a call started before the stop finishes (so what it creates is known), a call after
// fails — and rollback, with the untouched client, removes what the run created once those calls settle.
import type { RailwayApi } from '../railway/types.js';
import { RailcloneError } from '../util/errors.js';

export class Interruption {
  private readonly controller = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  private why: string | null = null;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get reason(): string | null {
    return this.why;
  }

  interrupt(reason: string): void {
    if (this.why) return;
    this.why = reason;
    this.controller.abort(new RailcloneError('Interrupted', `interrupted (${reason})`));
  }

  /** The steps' view of Railway: refused after the interrupt, every call tracked until it settles. */
  gate(railway: RailwayApi): RailwayApi {
    return new Proxy(railway, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (this.why)
            return Promise.reject(
              new RailcloneError('Interrupted', `interrupted (${this.why}); no further Railway calls`),
            );
          const call = Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args));
          this.inflight.add(call);
          const done = () => this.inflight.delete(call);
          call.then(done, done);
          return call;
        };
      },
    });
  }

  /** Resolves once every Railway call the steps started has answered (or failed). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Resolves when interrupted. */
  whenInterrupted(): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal.aborted) resolve();
      else this.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}
