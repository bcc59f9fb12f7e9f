// Per-table progress events, throttled so a fast stream does not flood the listener. A table split
// into chunks has one progress: started by its first chunk, done after its last, with an ETA.
import type { ProgressListener } from '../../util/progress.js';

export interface TableProgress {
  /** Emits `started` (once, however many chunks start). */
  started(): void;
  /** Adds to the running totals; emits `progress` at most once per interval. */
  add(rows: number, bytes: number): void;
  /** One chunk of a split table finished: emits `progress` with the chunk count and ETA. */
  chunkDone(): void;
  /** Emits `done` (always) with the final totals. */
  done(rows?: number, bytes?: number): void;
  readonly rows: number;
  readonly bytes: number;
}

export const PROGRESS_INTERVAL_MS = 250;

export function createTableProgress(
  listener: ProgressListener | undefined,
  table: string,
  totalRows: number | undefined,
  intervalMs: number = PROGRESS_INTERVAL_MS,
  chunks = 1,
): TableProgress {
  let rows = 0;
  let bytes = 0;
  let last = 0;
  let start = 0;
  let chunksDone = 0;
  const eta = (): number | undefined => {
    if (chunks < 2 || !totalRows || rows <= 0) return undefined;
    const elapsed = (Date.now() - start) / 1000;
    return Math.max(0, Math.round((elapsed * (totalRows - rows)) / rows));
  };
  const emit = (status: 'started' | 'progress' | 'done') => {
    if (!listener) return;
    const etaSeconds = status === 'done' ? undefined : eta();
    // A listener that throws must not break the copy.
    try {
      listener({
        kind: 'table',
        table,
        status,
        rows,
        bytes,
        ...(totalRows !== undefined ? { totalRows } : {}),
        ...(chunks > 1 ? { chunks: { done: chunksDone, total: chunks } } : {}),
        ...(etaSeconds !== undefined ? { etaSeconds } : {}),
      });
    } catch {
      /* ignored on purpose */
    }
  };
  return {
    started() {
      if (start !== 0) return;
      start = last = Date.now();
      emit('started');
    },
    add(r, b) {
      rows += r;
      bytes += b;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        emit('progress');
      }
    },
    chunkDone() {
      chunksDone++;
      emit('progress');
    },
    done(r, b) {
      if (r !== undefined) rows = r;
      if (b !== undefined) bytes = b;
      emit('done');
    },
    get rows() {
      return rows;
    },
    get bytes() {
      return bytes;
    },
  };
}
