// Cancellation: one error for "the caller aborted", whatever engine is running.
import { RailcloneError } from '../../util/errors.js';

export class CopyAbortedError extends RailcloneError {
  constructor(reason?: unknown) {
    super('CopyAborted', 'database copy aborted', reason instanceof Error ? { reason: reason.message } : {});
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CopyAbortedError(signal.reason);
}
