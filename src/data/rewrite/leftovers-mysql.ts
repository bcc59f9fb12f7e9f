// MySQL / MariaDB reader for the leftovers check: every character column of every base table, only
// the rows that hold a host (case-insensitive collation) or a base64 run of one (binary compare).
import mysqlCore from 'mysql2';
import type mysql from 'mysql2/promise';
import type { LeftoverScan } from './leftovers-types.js';

const TEXT_TYPES = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'json'];
const q = (id: string) => `\`${id.replace(/`/g, '``')}\``;

export async function scanMysql(
  url: string,
  scan: LeftoverScan,
  opts: { skipTables?: (table: string) => boolean },
): Promise<void> {
  const core = mysqlCore.createConnection({ uri: url.replace(/^mariadb:/i, 'mysql:'), charset: 'utf8mb4' });
  const c = core.promise();
  await c.connect();
  try {
    await c.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const [cols] = await c.query<mysql.RowDataPacket[]>(
      `SELECT c.TABLE_NAME AS t, c.COLUMN_NAME AS col FROM information_schema.COLUMNS c
         JOIN information_schema.TABLES b ON b.TABLE_SCHEMA = c.TABLE_SCHEMA AND b.TABLE_NAME = c.TABLE_NAME
        WHERE c.TABLE_SCHEMA = DATABASE() AND b.TABLE_TYPE = 'BASE TABLE' AND LOWER(c.DATA_TYPE) IN (?)
        ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
      [TEXT_TYPES],
    );
    const tables = new Map<string, string[]>();
    for (const r of cols as { t: string; col: string }[])
      tables.set(r.t, [...(tables.get(r.t) ?? []), r.col]);
    for (const [table, columns] of tables) {
      if (opts.skipTables?.(table)) continue;
      const conds: string[] = [];
      const params: string[] = [];
      for (const col of columns) {
        const text = `CONVERT(${q(col)} USING utf8mb4) COLLATE utf8mb4_general_ci`;
        for (const h of scan.plain) {
          conds.push(`LOCATE(?, ${text}) > 0`);
          params.push(h);
        }
        for (const b of scan.base64) {
          conds.push(`LOCATE(CAST(? AS BINARY), CAST(${q(col)} AS BINARY)) > 0`);
          params.push(b);
        }
      }
      const sql = `SELECT ${columns.map((col) => `CONVERT(${q(col)} USING utf8mb4)`).join(', ')} FROM ${q(table)} WHERE ${conds.join(' OR ')}`;
      // Streamed: a skipped column may leave many rows.
      const rows = core.query({ sql, values: params, rowsAsArray: true }).stream({ highWaterMark: 500 });
      for await (const row of rows as AsyncIterable<(string | null)[]>)
        columns.forEach((col, i) => {
          const v = row[i];
          if (typeof v === 'string') scan.count(table, col, v);
        });
    }
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
}
