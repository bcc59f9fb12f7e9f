// `searchReplace`: the rewrite applied in place to an existing PostgreSQL or MySQL/MariaDB database
// (what `wp search-replace` does), one transaction per table. Engine-specific walking lives in
// ./search-replace-pg.ts and ./search-replace-mysql.ts; this file holds the contract and the
// per-row logic both share.
import { parseDatabaseUrl } from '../common/same-target.js';
import { createTableFilter, splitList } from '../common/table-filter.js';
import { ValidationError } from '../../util/errors.js';
import type { Replacement } from '../types.js';
import { shouldRewriteColumn } from './columns.js';
import { createRewriter, type Rewriter } from './rewriter.js';

export interface SearchReplaceOptions {
  /** postgres://… / postgresql://… / mysql://… / mariadb://… naming a database. */
  url: string;
  pairs: Replacement[];
  /** Count what would change, write nothing. */
  dryRun?: boolean;
  /** `column` or `table.column`; `user_pass` is always skipped. */
  skipColumns?: string[];
  /** Table names or globs (`wp_*`); default every table. */
  tables?: string[];
  /** Rows fetched per round trip. */
  batchSize?: number;
}

export interface ColumnReport {
  column: string;
  /** Rows whose value contains a search string (plain or JSON-escaped). */
  matched: number;
  /** Rows whose value the rewrite changed (or would change, in a dry run). */
  changed: number;
  /** Values left alone because they looked serialized but did not parse. */
  malformed: number;
}

export type KeyMethod = 'primary key' | 'ctid' | 'full row';

export interface TableSearchReplaceReport {
  table: string;
  status: 'done' | 'skipped';
  /** Why a table was skipped (`view`, `no text columns`). */
  reason?: string;
  /** How changed rows are addressed: by primary key, by PostgreSQL ctid, or (MySQL without a key) by their full old value. */
  method?: KeyMethod;
  columns: ColumnReport[];
  rowsChanged: number;
}

export interface SearchReplaceReport {
  engine: 'postgres' | 'mysql';
  database: string;
  dryRun: boolean;
  tables: TableSearchReplaceReport[];
  /** Values changed over all tables and columns (the wp-cli "replacements" count). */
  totalChanged: number;
  durationMs: number;
}

export interface ResolvedSearchReplace {
  url: string;
  database: string;
  dryRun: boolean;
  skipColumns: string[];
  tableFilter: (table: string, qualified?: string) => boolean;
  batchSize: number;
  rewriter: Rewriter;
}

export async function searchReplace(opts: SearchReplaceOptions): Promise<SearchReplaceReport> {
  // Also registers the password as a secret.
  const endpoint = parseDatabaseUrl(opts.url, 'url');
  if (!Array.isArray(opts.pairs) || opts.pairs.length === 0) {
    throw new ValidationError('pairs', 'give at least one OLD → NEW replacement');
  }
  const batchSize = opts.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValidationError('batchSize', 'batch size must be a positive integer', { provided: batchSize });
  }
  const tables = splitList(opts.tables);
  const resolved: ResolvedSearchReplace = {
    url: opts.url,
    database: endpoint.database,
    dryRun: opts.dryRun ?? false,
    skipColumns: splitList(opts.skipColumns),
    tableFilter: createTableFilter(tables.length ? tables : undefined),
    batchSize,
    rewriter: createRewriter(opts.pairs),
  };
  const started = Date.now();
  const tablesReport =
    endpoint.engine === 'postgres'
      ? await (await import('./search-replace-pg.js')).searchReplacePostgres(resolved)
      : await (await import('./search-replace-mysql.js')).searchReplaceMysql(resolved);
  return {
    engine: endpoint.engine,
    database: endpoint.database,
    dryRun: resolved.dryRun,
    tables: tablesReport,
    totalChanged: tablesReport.reduce((n, t) => n + t.columns.reduce((m, c) => m + c.changed, 0), 0),
    durationMs: Date.now() - started,
  };
}

/** Text columns the rewrite may touch: not part of the key, not skipped. */
export function rewritableColumns(
  table: string,
  columns: string[],
  keyColumns: string[],
  skip: string[],
): string[] {
  return columns.filter((c) => !keyColumns.includes(c) && shouldRewriteColumn(table, c, skip));
}

/** Per-table accumulator: feeds each fetched row through the rewriter and counts per column. */
export class TableRewrite {
  readonly columns: ColumnReport[];
  rowsChanged = 0;
  constructor(
    private readonly rewriter: Rewriter,
    columnNames: string[],
    /** Columns whose text must stay valid JSON after the rewrite (PostgreSQL json/jsonb). */
    private readonly jsonColumns: ReadonlySet<string> = new Set(),
  ) {
    this.columns = columnNames.map((column) => ({ column, matched: 0, changed: 0, malformed: 0 }));
  }

  /** The changed columns of one row (empty when nothing changes). */
  row(values: Record<string, unknown>): Map<string, string> {
    const changes = new Map<string, string>();
    const search = this.rewriter.searchStrings;
    for (const col of this.columns) {
      const v = values[col.column];
      if (typeof v !== 'string' || !search.some((s) => v.includes(s))) continue;
      col.matched++;
      const before = this.rewriter.stats.malformed;
      let next = this.rewriter.rewrite(v);
      col.malformed += this.rewriter.stats.malformed - before;
      if (next !== v && this.jsonColumns.has(col.column) && !isJson(next)) next = v;
      if (next !== v) {
        col.changed++;
        changes.set(col.column, next);
      }
    }
    if (changes.size > 0) this.rowsChanged++;
    return changes;
  }
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
