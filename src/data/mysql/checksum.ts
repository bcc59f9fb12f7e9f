// A per-table content checksum that runs inside the source snapshot (CHECKSUM TABLE does not: it
// reads the latest committed rows). Order-independent (a sum, so no ORDER BY and no sort), and it
// does not cancel duplicate rows the way BIT_XOR would (tables without a primary key may have them).
// Each value is length-prefixed bytes, NULL is '-', so ('a#','b') and ('a','#b') differ.
import type { Connection } from './connect.js';
import { ident, query } from './connect.js';
import type { ColumnInfo } from './catalog.js';

export interface TableChecksum {
  rows: string;
  sum: string;
}

function valueExpr(c: ColumnInfo): string {
  // FLOAT prints 6 digits; widened to DOUBLE it prints every bit.
  const col = c.dataType === 'float' ? `(${ident(c.name)} + 0e0)` : ident(c.name);
  return `IFNULL(CONCAT(LENGTH(${col}), ':', CAST(${col} AS BINARY)), '-')`;
}

export function checksumSql(table: string, columns: ColumnInfo[]): string {
  const row = columns.length === 0 ? "''" : `CONCAT(${columns.map(valueExpr).join(', ')})`;
  return (
    `SELECT COUNT(*) AS n, COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(${row}), 1, 16), 16, 10) AS UNSIGNED)), 0) AS s ` +
    `FROM ${ident(table)}`
  );
}

export async function tableChecksum(
  conn: Connection,
  table: string,
  columns: ColumnInfo[],
): Promise<TableChecksum> {
  const rows = await query<unknown[][]>(conn, {
    sql: checksumSql(table, columns),
    rowsAsArray: true,
    typeCast: false,
  });
  const [n, s] = rows[0] ?? [];
  return { rows: String(n ?? ''), sum: String(s ?? '') };
}
