// The CopyReport both engines return, built the same way.
import type { CopyReport, TableReport } from '../types.js';

/** Megabytes (10^6 bytes) per second, two decimals; 0 when no time passed. */
export function mbPerSec(bytes: number, durationMs: number): number {
  if (durationMs <= 0) return 0;
  return Math.round((bytes / 1e6 / (durationMs / 1000)) * 100) / 100;
}

export function buildReport(
  engine: CopyReport['engine'],
  tables: TableReport[],
  durationMs: number,
  databaseSizeBytes: number,
): CopyReport {
  const sorted = [...tables].sort((a, b) => a.table.localeCompare(b.table));
  const totalBytes = sorted.reduce((n, t) => n + t.bytes, 0);
  return {
    engine,
    tables: sorted,
    totalRows: sorted.reduce((n, t) => n + t.rows, 0),
    totalBytes,
    rewrittenValues: sorted.reduce((n, t) => n + t.rewritten, 0),
    maskedValues: sorted.reduce((n, t) => n + (t.masked ?? 0), 0),
    durationMs,
    mbPerSec: mbPerSec(totalBytes, durationMs),
    databaseSizeBytes,
  };
}
