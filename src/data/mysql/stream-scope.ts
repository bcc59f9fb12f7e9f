// Every stream and emitter one table copy creates goes through a scope, which listens for its
// 'error' from the moment it exists. Nothing else listens reliably: mysql2 watches the LOAD DATA
// encoder only while the server is reading the file, `once(…, 'drain')` only while the loop waits,
// and a mysql2 row stream drops its query's listener when destroyed. An 'error' emitted in between
// has no listener and Node throws it as an uncaught exception, which kills the process.
//
// The scope turns the first error into a rejection of every `wait` in the copy (so it surfaces in
// copyTable's promise, where it happened) and destroys the other members, so no one keeps feeding
// or waiting on a stream whose other end is gone.
import type { EventEmitter } from 'node:events';

type Member = EventEmitter & { destroy?: (err?: Error) => unknown; destroyed?: boolean };

export class StreamScope {
  private readonly owned = new Set<Member>();
  private readonly borrowed: { emitter: EventEmitter; listener: (err: Error) => void }[] = [];
  private readonly failed: Promise<never>;
  private rejectFailed!: (err: Error) => void;
  private error: Error | undefined;
  private readonly onStop = () => this.fail(new Error('copy stopped'));

  /** `stop` (abort, or another table failed) fails the scope with "copy stopped". */
  constructor(private readonly stop: AbortSignal) {
    this.failed = new Promise<never>((_, reject) => {
      this.rejectFailed = reject;
    });
    this.failed.catch(() => {}); // read through wait(); never an unhandled rejection on its own
    if (stop.aborted) this.onStop();
    else stop.addEventListener('abort', this.onStop, { once: true });
  }

  /**
   * A stream or emitter this copy created. Its errors are routed here for good (it may emit after
   * the copy has moved on), and it is destroyed when the scope fails.
   */
  own<T extends Member>(member: T): T {
    member.on('error', (err: Error) => this.fail(err));
    this.owned.add(member);
    if (this.error) member.destroy?.(this.error);
    return member;
  }

  /**
   * A long-lived emitter (a connection) whose errors concern this copy only while it runs; the
   * listener is removed by `close`. A mysql2 connection that dies mid-stream tells only itself,
   * not the streaming query.
   */
  watch(emitter: EventEmitter): void {
    const listener = (err: Error) => this.fail(err);
    emitter.on('error', listener);
    this.borrowed.push({ emitter, listener });
  }

  /** The first error wins; the others are consequences of it (a cut connection fails every stream on it). */
  fail(err: unknown): void {
    if (this.error) return;
    this.error = err instanceof Error ? err : new Error(String(err));
    this.rejectFailed(this.error);
    for (const m of this.owned) if (!m.destroyed) m.destroy?.(this.error);
  }

  /** `p`, or the scope's error as soon as anything in it fails. */
  wait<T>(p: Promise<T>): Promise<T> {
    if (this.error) {
      p.catch(() => {}); // settles after the copy has failed; the scope's error is the one reported
      return Promise.reject(this.error);
    }
    return Promise.race([p, this.failed]);
  }

  /** Throws the scope's error if something failed without anyone waiting on it. */
  throwIfFailed(): void {
    if (this.error) throw this.error;
  }

  /** Ends the copy's hold: members still open are destroyed, borrowed emitters released. */
  close(): void {
    this.stop.removeEventListener('abort', this.onStop);
    for (const { emitter, listener } of this.borrowed.splice(0)) emitter.removeListener('error', listener);
    for (const m of this.owned) if (!m.destroyed) m.destroy?.();
    this.owned.clear();
  }
}
