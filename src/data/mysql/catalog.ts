// What a MySQL/MariaDB database holds, read from information_schema of the current database.
import type { Connection } from './connect.js';
import { query } from './connect.js';

export interface ColumnInfo {
  name: string;
  /** information_schema DATA_TYPE, lower case: varchar, longtext, blob, float, bit, json… */
  dataType: string;
  charset: string | null;
  /** VIRTUAL or STORED/PERSISTENT generated: the server computes it, the copy skips it. */
  generated: boolean;
}

export interface TableInfo {
  name: string;
  engine: string | null;
  /** DATA_LENGTH: an estimate, used to start the largest tables first. */
  estimatedBytes: number;
  estimatedRows: number;
  columns: ColumnInfo[];
  /** Primary key columns in key order; empty when the table has none. */
  primaryKey: string[];
}

export interface Catalog {
  tables: TableInfo[];
  views: string[];
  /** In creation order (per table, ACTION_ORDER), so FOLLOWS/PRECEDES order is kept. */
  triggers: { name: string; table: string }[];
  routines: { name: string; type: 'PROCEDURE' | 'FUNCTION' }[];
  /** Objects the engine does not copy (MariaDB sequences, packages): reported, not silently lost. */
  unsupported: string[];
}

/** Bookkeeping table a running/failed copy leaves in its target; never copied. */
export const STATUS_TABLE = '_railclone_copy_status';

type Row = Record<string, unknown>;
const str = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v ?? ''));

export async function readCatalog(conn: Connection): Promise<Catalog> {
  const tables = await query<Row[]>(
    conn,
    `SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, DATA_LENGTH AS bytes, TABLE_ROWS AS nrows
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
  );
  const columns = await query<Row[]>(
    conn,
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS name, DATA_TYPE AS dataType, CHARACTER_SET_NAME AS charset, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  const byTable = new Map<string, ColumnInfo[]>();
  for (const c of columns) {
    const list = byTable.get(str(c.t)) ?? [];
    list.push({
      name: str(c.name),
      dataType: str(c.dataType).toLowerCase(),
      charset: c.charset == null ? null : str(c.charset).toLowerCase(),
      // MySQL 8 marks expression defaults DEFAULT_GENERATED: those are ordinary columns.
      generated: /\b(VIRTUAL|STORED|PERSISTENT)\b/i.test(str(c.extra)),
    });
    byTable.set(str(c.t), list);
  }
  const pk = await query<Row[]>(
    conn,
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX`,
  );
  const keys = new Map<string, string[]>();
  for (const r of pk) keys.set(str(r.t), [...(keys.get(str(r.t)) ?? []), str(r.c)]);
  const catalog: Catalog = { tables: [], views: [], triggers: [], routines: [], unsupported: [] };
  for (const t of tables) {
    const name = str(t.name);
    if (name === STATUS_TABLE) continue;
    const type = str(t.type);
    if (type === 'VIEW') catalog.views.push(name);
    else if (type === 'BASE TABLE' || type === 'SYSTEM VERSIONED') {
      catalog.tables.push({
        name,
        engine: t.engine == null ? null : str(t.engine),
        estimatedBytes: Number(t.bytes ?? 0),
        estimatedRows: Number(t.nrows ?? 0),
        columns: byTable.get(name) ?? [],
        primaryKey: keys.get(name) ?? [],
      });
    } else catalog.unsupported.push(`${type.toLowerCase()} ${name}`);
  }
  const triggers = await query<Row[]>(
    conn,
    `SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS t FROM information_schema.TRIGGERS
      WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY EVENT_OBJECT_TABLE, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER`,
  );
  catalog.triggers = triggers.map((r) => ({ name: str(r.name), table: str(r.t) }));
  const routines = await query<Row[]>(
    conn,
    `SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES
      WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_TYPE DESC, ROUTINE_NAME`,
  );
  for (const r of routines) {
    const type = str(r.type);
    if (type === 'PROCEDURE' || type === 'FUNCTION') catalog.routines.push({ name: str(r.name), type });
    else catalog.unsupported.push(`${type.toLowerCase()} ${str(r.name)}`);
  }
  return catalog;
}

/** Columns the rewrite may look at: character data in an ASCII-compatible charset (URLs match bytewise). */
const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'json']);
const WIDE_CHARSETS = new Set(['binary', 'ucs2', 'utf16', 'utf16le', 'utf32']);

export function isTextLike(c: ColumnInfo): boolean {
  if (!TEXT_TYPES.has(c.dataType)) return false;
  // MySQL's JSON type reports no charset; its text form is utf8mb4.
  return c.dataType === 'json' || (c.charset !== null && !WIDE_CHARSETS.has(c.charset));
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint']);

/** The single integer primary key column a table can be split on, if it has one. */
export function integerKey(t: TableInfo): string | undefined {
  if (t.primaryKey.length !== 1) return undefined;
  const col = t.columns.find((c) => c.name === t.primaryKey[0]);
  return col && INTEGER_TYPES.has(col.dataType) ? col.name : undefined;
}
