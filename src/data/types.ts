// The contract of the database copy engines (./postgres, ./mysql) and the rewriter (./rewrite).
import type { ProgressListener } from '../util/progress.js';
import type { MaskedColumn, MaskOptions } from './mask/index.js';

export interface Replacement {
  from: string;
  to: string;
}

export interface CopyOptions {
  /** postgres://… or mysql://… / mariadb://… — the source is only ever read. */
  source: string;
  target: string;
  /** URL rewrites applied inside the stream, on text columns only. */
  rewrite?: Replacement[];
  /** Host mode: OLD=NEW host names, rewritten only as whole hosts, any letter case (after `rewrite`). */
  rewriteHosts?: Replacement[];
  /** Columns never rewritten, as `column` or `table.column`. `user_pass` is always skipped. */
  skipColumns?: string[];
  /** Parallel table streams. */
  jobs?: number;
  /** Table names (or globs) to include / exclude. */
  include?: string[];
  exclude?: string[];
  /** Allow a target that already holds tables (they are dropped first). */
  replaceTarget?: boolean;
  /** Compare per-table checksums after the copy, not only row counts. */
  checksums?: boolean;
  /** Personal data masked in flight (before the URL rewrite); absent = copied as is. */
  mask?: MaskOptions;
  /**
   * Split big tables into chunks copied in parallel. Default: PostgreSQL splits unless both servers
   * run on this machine with too few cores for the lanes to run side by side; MySQL always.
   * true / false force it (comparisons, tests).
   */
  splitTables?: boolean;
  /** MariaDB/MySQL: build secondary indexes after the load (default true; false for comparisons). */
  deferKeys?: boolean;
  /** PostgreSQL: COPY binary for tables copied unchanged between same-major servers (default true; false for comparisons). */
  binaryCopy?: boolean;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface TableReport {
  table: string;
  rows: number;
  bytes: number;
  /** Values the rewrite changed in this table. */
  rewritten: number;
  /** Values masked in this table, and which columns how (absent when nothing here is masked). */
  masked?: number;
  maskedColumns?: MaskedColumn[];
  durationMs: number;
  verified: boolean;
}

export interface CopyReport {
  engine: 'postgres' | 'mysql';
  tables: TableReport[];
  totalRows: number;
  totalBytes: number;
  rewrittenValues: number;
  maskedValues: number;
  durationMs: number;
  mbPerSec: number;
  /** Size of the target database after the copy, as the server reports it. */
  databaseSizeBytes: number;
}
