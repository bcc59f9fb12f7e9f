// What the engine walks of searchReplace share (./search-replace-pg.ts, ./search-replace-mysql.ts): the
// resolved options, the per-table report, and the per-row rewrite. Apart from ./search-replace.ts so the
// walks never import the dispatcher that loads them.
import type { Rewriter } from './rewriter.js';
import { shouldRewriteColumn } from './columns.js';
import { mayHoldHost } from './hosts.js';

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

export interface ResolvedSearchReplace {
  url: string;
  database: string;
  dryRun: boolean;
  skipColumns: string[];
  tableFilter: (table: string, qualified?: string) => boolean;
  batchSize: number;
  rewriter: Rewriter;
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
    const hosts = this.rewriter.hostSearch;
    for (const col of this.columns) {
      const v = values[col.column];
      if (typeof v !== 'string') continue;
      if (!search.some((s) => v.includes(s)) && !(hosts && mayHoldHost(v, hosts))) continue;
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
