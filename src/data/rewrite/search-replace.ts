// `searchReplace`: the rewrite applied in place to an existing PostgreSQL or MySQL/MariaDB database
// (what `wp search-replace` does), one transaction per table. Engine-specific walking lives in
// ./search-replace-pg.ts and ./search-replace-mysql.ts; this file holds the contract and the
// per-row logic both share (./search-replace-table.ts).
import { parseDatabaseUrl } from '../common/same-target.js';
import { createTableFilter, splitList } from '../common/table-filter.js';
import { ValidationError } from '../../util/errors.js';
import type { Replacement } from '../types.js';
import { validateHostPairs } from './hosts.js';
import { createRewriter } from './rewriter.js';
import type { ResolvedSearchReplace, TableSearchReplaceReport } from './search-replace-table.js';

export * from './search-replace-table.js';

export interface SearchReplaceOptions {
  /** postgres://… / postgresql://… / mysql://… / mariadb://… naming a database. */
  url: string;
  pairs: Replacement[];
  /** Host mode: OLD=NEW host names, replaced only as whole hosts (after `pairs`). */
  hosts?: Replacement[];
  /** Count what would change, write nothing. */
  dryRun?: boolean;
  /** `column` or `table.column`; `user_pass` is always skipped. */
  skipColumns?: string[];
  /** Table names or globs (`wp_*`); default every table. */
  tables?: string[];
  /** Rows fetched per round trip. */
  batchSize?: number;
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

export async function searchReplace(opts: SearchReplaceOptions): Promise<SearchReplaceReport> {
  // Also registers the password as a secret.
  const endpoint = parseDatabaseUrl(opts.url, 'url');
  const hosts = validateHostPairs(opts.hosts ?? [], 'hosts');
  if (!Array.isArray(opts.pairs) || opts.pairs.length + hosts.length === 0) {
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
    rewriter: createRewriter(opts.pairs, { hosts }),
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
