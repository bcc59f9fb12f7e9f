// MySQL / MariaDB walk for searchReplace. A reader connection streams the matching rows from a
// consistent snapshot (so rows we rewrite are never read twice) while a writer connection updates
// them inside one transaction per table: by primary key, or — for a table without one — by
// matching the full old row (`<=>` on every column, binary for text) with LIMIT 1.
import mysqlCore from 'mysql2';
import type mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { StepError } from '../../util/errors.js';
import { connectionOptions } from '../mysql/connect.js';
import {
  rewritableColumns,
  TableRewrite,
  type ResolvedSearchReplace,
  type TableSearchReplaceReport,
} from './search-replace-table.js';

// wp-cli's rule: columns whose type contains text or varchar (char too). MySQL's native JSON type,
// BLOBs, ENUM and SET are never touched. (MariaDB's JSON is a LONGTEXT, so it is included.)
const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext']);
// Floats do not round-trip exactly through the client: they are left out of full-row matching.
const INEXACT_TYPES = new Set(['float', 'double', 'real']);
const q = (id: string) => `\`${id.replace(/`/g, '``')}\``;

interface Conn {
  /** Callback connection: the only one with a streaming query API. */
  core: mysqlCore.Connection;
  p: Connection;
}

async function connect(url: string): Promise<Conn> {
  // The copy engine's connection settings (one URL parser), with utf8mb4 results for the rewriter.
  const core = mysqlCore.createConnection({ ...connectionOptions(url, 'url'), charset: 'utf8mb4' });
  const p = core.promise();
  await p.connect();
  return { core, p };
}

export async function searchReplaceMysql(o: ResolvedSearchReplace): Promise<TableSearchReplaceReport[]> {
  const r = await connect(o.url);
  const w = await connect(o.url).catch(async (e: unknown) => {
    await r.p.end();
    throw e;
  });
  const reader = r.p;
  const writer = w.p;
  try {
    const [tables] = await reader.query<mysql.RowDataPacket[]>(
      `SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
    );
    const out: TableSearchReplaceReport[] = [];
    for (const t of tables as { name: string; type: string }[]) {
      if (!o.tableFilter(t.name)) continue;
      if (t.type === 'VIEW' || t.type === 'SYSTEM VIEW') {
        out.push({ table: t.name, status: 'skipped', reason: 'view', columns: [], rowsChanged: 0 });
        continue;
      }
      try {
        out.push(await rewriteTable(r, writer, o, t.name));
      } catch (err) {
        await writer.query('ROLLBACK').catch(() => undefined);
        await reader.query('ROLLBACK').catch(() => undefined);
        throw new StepError(
          'search-replace',
          `table ${t.name}: ${(err as Error).message}`,
          { table: t.name },
          { cause: err },
        );
      }
    }
    return out;
  } finally {
    await Promise.allSettled([reader.end(), writer.end()]);
  }
}

async function rewriteTable(
  r: Conn,
  writer: Connection,
  o: ResolvedSearchReplace,
  table: string,
): Promise<TableSearchReplaceReport> {
  const reader = r.p;
  const [colRows] = await reader.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS type, COLUMN_KEY AS k FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table],
  );
  const cols = colRows as { name: string; type: string; k: string }[];
  const keys = cols.filter((c) => c.k === 'PRI').map((c) => c.name);
  const textCols = cols.filter((c) => TEXT_TYPES.has(c.type.toLowerCase())).map((c) => c.name);
  const targets = rewritableColumns(table, textCols, keys, o.skipColumns);
  const method = keys.length > 0 ? 'primary key' : 'full row';
  if (targets.length === 0)
    return { table, status: 'skipped', reason: 'no text columns', method, columns: [], rowsChanged: 0 };

  // Without a key the whole old row identifies it (minus inexact floats).
  const matchCols =
    keys.length > 0 ? keys : cols.filter((c) => !INEXACT_TYPES.has(c.type.toLowerCase())).map((c) => c.name);
  const textSet = new Set(textCols);
  const readCols = [...new Set([...matchCols, ...targets])];
  const search = o.rewriter.searchStrings;
  const hosts = o.rewriter.hostNeedles;
  // LOCATE on binary strings: case-sensitive whatever the column collation (wp-cli uses LIKE BINARY).
  // Host mode: hosts in any case, through a case-insensitive collation.
  const where = targets
    .flatMap((c) => [
      ...search.map(() => `LOCATE(CAST(? AS BINARY), ${q(c)}) > 0`),
      ...hosts.map(() => `LOCATE(?, CONVERT(${q(c)} USING utf8mb4) COLLATE utf8mb4_general_ci) > 0`),
    ])
    .join(' OR ');
  const params = targets.flatMap(() => [...search, ...hosts]);
  const acc = new TableRewrite(o.rewriter, targets);

  await reader.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
  if (!o.dryRun) await writer.query('START TRANSACTION');
  // The streaming API lives on the callback connection; `for await` gives backpressure.
  const stream = r.core
    .query(`SELECT ${readCols.map(q).join(', ')} FROM ${q(table)} WHERE ${where}`, params)
    .stream({ highWaterMark: o.batchSize });
  for await (const row of stream as AsyncIterable<Record<string, unknown>>) {
    const changes = acc.row(row);
    if (changes.size === 0 || o.dryRun) continue;
    const sets = [...changes.keys()].map((c) => `${q(c)} = ?`).join(', ');
    const cond = matchCols
      .map((c) => (textSet.has(c) ? `CAST(${q(c)} AS BINARY) <=> CAST(? AS BINARY)` : `${q(c)} <=> ?`))
      .join(' AND ');
    const [res] = await writer.query<mysql.ResultSetHeader>(
      `UPDATE ${q(table)} SET ${sets} WHERE ${cond} LIMIT 1`,
      [...changes.values(), ...matchCols.map((c) => row[c] ?? null)],
    );
    if (res.affectedRows !== 1) throw new Error(`expected to update 1 row, updated ${res.affectedRows}`);
  }
  if (!o.dryRun) await writer.query('COMMIT');
  await reader.query('COMMIT');
  return { table, status: 'done', method, columns: acc.columns, rowsChanged: acc.rowsChanged };
}
