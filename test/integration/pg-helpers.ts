// Shared by the pg-*.test.ts files: throwaway databases on the local server, and queries that
// describe a database (schema fingerprint, per-table content digests) so source and target can be
// compared with queries rather than hard-coded expectations.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { copyPostgres } from '../../src/data/postgres/index.js';
import type { CopyOptions } from '../../src/data/types.js';
import type { ProgressEvent } from '../../src/util/progress.js';

export const PG_HOST = 'postgresql://postgres@127.0.0.1:5432';

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  return withClient(url, async (c) => (await c.query<R>(text, params)).rows);
}

/** Creates databases named `<prefix>_<random>_<n>`; `dropAll` removes them (even with sessions open). */
export function databases(prefix: string) {
  const tag = `${prefix}_${randomBytes(3).toString('hex')}`;
  const made: string[] = [];
  return {
    async create(label: string): Promise<string> {
      const name = `${tag}_${label}`;
      await sql(`${PG_HOST}/postgres`, `CREATE DATABASE "${name}"`);
      made.push(name);
      return `${PG_HOST}/${name}`;
    },
    async dropAll(): Promise<void> {
      for (const name of made)
        await sql(`${PG_HOST}/postgres`, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

const USER = `NOT IN ('pg_catalog', 'information_schema') AND %s NOT LIKE 'pg\\_%%'`;
const user = (col: string) => `${col} ${USER.replace('%s', col).replace('%%', '%')}`;

/** Everything the schema steps must carry over, as sorted text lines. */
export async function schemaFingerprint(url: string): Promise<string[]> {
  const rows = await sql<{ x: string }>(
    url,
    `SELECT x FROM (
      SELECT format('col %s.%s.%s %s default=%s null=%s gen=%s ident=%s', table_schema, table_name, column_name,
                    data_type, column_default, is_nullable, generation_expression, identity_generation) AS x
        FROM information_schema.columns WHERE ${user('table_schema')}
      UNION ALL SELECT 'idx ' || indexdef FROM pg_indexes WHERE ${user('schemaname')}
      UNION ALL SELECT format('con %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
        FROM pg_constraint WHERE ${user('connamespace::regnamespace::text')}
      UNION ALL SELECT format('trg %s %s %s', tgrelid::regclass, tgname, pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
      UNION ALL SELECT format('view %s.%s %s', schemaname, viewname, definition) FROM pg_views WHERE ${user('schemaname')}
      UNION ALL SELECT format('matview %s %s', matviewname, ispopulated) FROM pg_matviews
      UNION ALL SELECT format('fn %s %s', p.oid::regprocedure, md5(prosrc)) FROM pg_proc p WHERE ${user('pronamespace::regnamespace::text')}
      UNION ALL SELECT format('enum %s %s %s', enumtypid::regtype, enumlabel, enumsortorder) FROM pg_enum
      UNION ALL SELECT format('domain %s %s', t.oid::regtype, pg_get_constraintdef(c.oid))
        FROM pg_type t JOIN pg_constraint c ON c.contypid = t.oid WHERE t.typtype = 'd'
      UNION ALL SELECT 'ext ' || extname FROM pg_extension
      UNION ALL SELECT format('part %s of %s: %s', c.oid::regclass, i.inhparent::regclass, pg_get_expr(c.relpartbound, c.oid))
        FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE c.relispartition
      UNION ALL SELECT format('seq %s.%s last=%s', schemaname, sequencename, last_value) FROM pg_sequences WHERE ${user('schemaname')}
    ) s ORDER BY 1`,
  );
  return rows.map((r) => r.x);
}

/** Every table holding rows (leaves), with row count and a digest of its sorted rows' text. */
export async function contentDigests(url: string): Promise<Record<string, string>> {
  const tables = await sql<{ t: string }>(
    url,
    `SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm') AND ${user('n.nspname')} ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { t } of tables) {
    const [r] = await sql<{ n: string; d: string | null }>(
      url,
      `SELECT count(*)::text AS n, md5(string_agg(x::text, E'\\n' ORDER BY x::text)) AS d FROM ONLY ${t} AS x`,
    );
    out[t] = `${r?.n}:${r?.d}`;
  }
  return out;
}

export async function databaseComment(url: string): Promise<string | null> {
  const [r] = await sql<{ c: string | null }>(
    url,
    `SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = current_database()`,
  );
  return r?.c ?? null;
}

/** copyPostgres, its signal aborted at each progress event `stopAt` accepts; resolves with what it threw. */
export function copyStoppedAt(opts: CopyOptions, stopAt: (e: ProgressEvent) => boolean): Promise<unknown> {
  const ac = new AbortController();
  return copyPostgres({
    ...opts,
    signal: ac.signal,
    onProgress: (e) => {
      if (stopAt(e)) ac.abort();
    },
  }).catch((e: unknown) => e);
}
