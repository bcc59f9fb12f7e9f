// PostgreSQL reader for the leftovers check: every text-like column of every table, only the rows
// that hold a host (any case) or a base64 run of one, through a cursor in one read-only transaction.
import pg from 'pg';
import type { LeftoverScan } from './leftovers-types.js';

const TEXT_TYPES = ['text', 'character varying', 'character', 'json', 'jsonb', 'citext'];
const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

export async function scanPostgres(
  url: string,
  scan: LeftoverScan,
  opts: { skipTables?: (table: string) => boolean },
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ schema: string; name: string; columns: string[] }>(
      `SELECT n.nspname AS schema, c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         JOIN pg_type t ON t.oid = a.atttypid
        WHERE c.relkind IN ('r','p') AND NOT c.relispartition
          AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%'
          AND format_type(CASE WHEN t.typbasetype <> 0 THEN t.typbasetype ELSE a.atttypid END, NULL) = ANY($1)
        GROUP BY n.nspname, c.relname ORDER BY 1, 2`,
      [TEXT_TYPES],
    );
    for (const t of rows) {
      const display = t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
      if (opts.skipTables?.(display)) continue;
      const params = [...scan.plain, ...scan.base64];
      const where = t.columns
        .flatMap((c) => [
          ...scan.plain.map((_, i) => `strpos(lower(${q(c)}::text), $${i + 1}) > 0`),
          ...scan.base64.map((_, i) => `strpos(${q(c)}::text, $${scan.plain.length + i + 1}) > 0`),
        ])
        .join(' OR ');
      const select = `SELECT ${t.columns.map((c, i) => `${q(c)}::text AS "c${i}"`).join(', ')} FROM ${q(t.schema)}.${q(t.name)} WHERE ${where}`;
      await client.query(`DECLARE railclone_left NO SCROLL CURSOR FOR ${select}`, params);
      for (;;) {
        const batch = await client.query<Record<string, string | null>>('FETCH 500 FROM railclone_left');
        if (batch.rows.length === 0) break;
        for (const row of batch.rows)
          t.columns.forEach((c, i) => {
            const v = row[`c${i}`];
            if (typeof v === 'string') scan.count(display, c, v);
          });
      }
      await client.query('CLOSE railclone_left');
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
