// PostgreSQL walk for searchReplace: one transaction per table, an insensitive cursor over the rows
// that contain a search string (rows we update are never seen twice), updates by primary key, or
// by (tableoid, ctid) when the table has none.
import pg from 'pg';
import { StepError } from '../../util/errors.js';
import {
  rewritableColumns,
  TableRewrite,
  type ResolvedSearchReplace,
  type TableSearchReplaceReport,
} from './search-replace-table.js';

const TEXT_TYPES = new Set(['text', 'character varying', 'character']);
const JSON_TYPES = new Set(['json', 'jsonb']);
const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

interface PgTable {
  schema: string;
  name: string;
  kind: string;
}

export async function searchReplacePostgres(o: ResolvedSearchReplace): Promise<TableSearchReplaceReport[]> {
  const client = new pg.Client({ connectionString: o.url });
  await client.connect();
  try {
    // Partitions are reached through their parent; matviews and foreign tables are not rewritten.
    const { rows: tables } = await client.query<PgTable>(
      `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r','p','v','m') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY n.nspname, c.relname`,
    );
    const out: TableSearchReplaceReport[] = [];
    for (const t of tables) {
      const display = t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
      if (!o.tableFilter(t.name, `${t.schema}.${t.name}`)) continue;
      if (t.kind === 'v' || t.kind === 'm') {
        out.push({ table: display, status: 'skipped', reason: 'view', columns: [], rowsChanged: 0 });
        continue;
      }
      try {
        out.push(await rewriteTable(client, o, t, display));
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new StepError(
          'search-replace',
          `table ${display}: ${(err as Error).message}`,
          { table: display },
          { cause: err },
        );
      }
    }
    return out;
  } finally {
    await client.end();
  }
}

async function rewriteTable(
  client: pg.Client,
  o: ResolvedSearchReplace,
  t: PgTable,
  display: string,
): Promise<TableSearchReplaceReport> {
  const rel = `${q(t.schema)}.${q(t.name)}`;
  const { rows: cols } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type
       FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [rel],
  );
  const { rows: pk } = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    [rel],
  );
  const keys = pk.map((r) => r.name);
  const textCols = cols.filter((c) => TEXT_TYPES.has(c.type) || JSON_TYPES.has(c.type)).map((c) => c.name);
  const targets = rewritableColumns(t.name, textCols, keys, o.skipColumns);
  const json = new Set(cols.filter((c) => JSON_TYPES.has(c.type)).map((c) => c.name));
  const method = keys.length > 0 ? 'primary key' : 'ctid';
  if (targets.length === 0)
    return {
      table: display,
      status: 'skipped',
      reason: 'no text columns',
      method,
      columns: [],
      rowsChanged: 0,
    };

  const acc = new TableRewrite(o.rewriter, targets, json);
  const search = o.rewriter.searchStrings;
  const hosts = o.rewriter.hostNeedles;
  const params: string[] = [...search, ...hosts];
  // Host mode: hosts in any case (lower() of the value against the lower-cased host).
  const where = targets
    .flatMap((c) => [
      ...search.map((_, i) => `strpos(${q(c)}::text, $${i + 1}) > 0`),
      ...hosts.map((_, i) => `strpos(lower(${q(c)}::text), $${search.length + i + 1}) > 0`),
    ])
    .join(' OR ');
  const keySelect =
    keys.length > 0
      ? keys.map((k, i) => `${q(k)}::text AS "k${i}"`)
      : ['tableoid::oid::text AS "k0"', 'ctid::text AS "k1"'];
  const keyWhere =
    keys.length > 0 ? keys.map((k, i) => `${q(k)} = $${i + 1}`) : ['tableoid = $1::oid', 'ctid = $2::tid'];
  const select = `SELECT ${[...keySelect, ...targets.map((c, i) => `${q(c)}::text AS "c${i}"`)].join(', ')} FROM ${rel} WHERE ${where}`;

  await client.query(o.dryRun ? 'BEGIN READ ONLY' : 'BEGIN');
  await client.query(`DECLARE railclone_sr NO SCROLL CURSOR FOR ${select}`, params);
  for (;;) {
    const { rows } = await client.query<Record<string, string | null>>(
      `FETCH ${o.batchSize} FROM railclone_sr`,
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const values: Record<string, unknown> = {};
      targets.forEach((c, i) => (values[c] = row[`c${i}`]));
      const changes = acc.row(values);
      if (changes.size === 0 || o.dryRun) continue;
      const keyVals = keySelect.map((_, i) => row[`k${i}`]);
      const sets = [...changes.keys()].map((c, i) => `${q(c)} = $${keyVals.length + i + 1}`);
      const whereKey = keyWhere.join(' AND ');
      const res = await client.query(`UPDATE ${rel} SET ${sets.join(', ')} WHERE ${whereKey}`, [
        ...keyVals,
        ...changes.values(),
      ]);
      if (res.rowCount !== 1) throw new Error(`expected to update 1 row, updated ${res.rowCount}`);
    }
  }
  await client.query('CLOSE railclone_sr');
  await client.query('COMMIT');
  return { table: display, status: 'done', method, columns: acc.columns, rowsChanged: acc.rowsChanged };
}
