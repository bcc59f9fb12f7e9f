// Per-table progress events, throttled so a fast stream does not flood the listener.
import type { ProgressListener } from '../../util/progress.js';

export interface TableProgress {
  /** Emits `started` (always). */
  started(): void;
  /** Adds to the running totals; emits `progress` at most once per interval. */
  add(rows: number, bytes: number): void;
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
): TableProgress {
  let rows = 0;
  let bytes = 0;
  let last = 0;
  const emit = (status: 'started' | 'progress' | 'done') => {
    if (!listener) return;
    // A listener that throws must not break the copy.
    try {
      listener({
        kind: 'table',
        table,
        status,
        rows,
        bytes,
        ...(totalRows !== undefined ? { totalRows } : {}),
      });
    } catch {
      /* ignored on purpose */
    }
  };
  return {
    started() {
      last = Date.now();
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
