// What to copy, read from the source inside the exported snapshot.
import type { PgClient } from './connect.js';

export interface ColumnInfo {
  name: string;
  /** Text-like (text, varchar, json, jsonb, citext, or a domain over one): the rewrite may touch it. */
  textLike: boolean;
  generated: boolean;
  /**
   * COPY binary carries it between servers of the same major version: a built-in type (or domain
   * over one) with send/receive functions, or an enum (sent as its label). Not reg* (sent as OIDs,
   * which differ between databases), nor user arrays or composites (their binary form holds OIDs).
   */
  binarySafe: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  /** The partitioned tables above this leaf (nearest first), when it is a partition. */
  partitionOf: { schema: string; name: string }[];
  /** Estimate from pg_class.reltuples; undefined when never analyzed. */
  estimatedRows: number | undefined;
  /** Heap + TOAST: what the copy reads. */
  sizeBytes: number;
  /** Heap blocks now (pg_relation_size / block_size): where a split table's ctid ranges are cut. */
  pages: number;
  columns: ColumnInfo[];
}

// Extension member tables come with CREATE EXTENSION; system schemas are never copied.
const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
const NOT_EXTENSION = (col: string, catalog: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${col} AND d.deptype = 'e')`;

/** Ordinary tables and leaf partitions (partitioned parents hold no rows), largest first. */
export async function listTables(client: PgClient): Promise<TableInfo[]> {
  const { rows } = await client.query<{
    oid: number;
    schema: string;
    name: string;
    parents: { schema: string; name: string }[] | null;
    reltuples: string;
    size: string;
    pages: string;
  }>(`
    SELECT c.oid, n.nspname AS schema, c.relname AS name,
           (SELECT json_agg(json_build_object('schema', an.nspname, 'name', ac.relname))
              FROM pg_partition_ancestors(c.oid) a(relid) JOIN pg_class ac ON ac.oid = a.relid
              JOIN pg_namespace an ON an.oid = ac.relnamespace WHERE ac.oid <> c.oid) AS parents,
           c.reltuples::bigint::text AS reltuples, pg_table_size(c.oid)::text AS size,
           (pg_relation_size(c.oid) / current_setting('block_size')::int)::text AS pages
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND ${USER_SCHEMAS} AND ${NOT_EXTENSION('c.oid', 'pg_class')}
     ORDER BY pg_table_size(c.oid) DESC, n.nspname, c.relname`);
  if (rows.length === 0) return [];
  const cols = await client.query<{
    relid: number;
    name: string;
    text_like: boolean;
    generated: boolean;
    binary_safe: boolean;
  }>(
    `SELECT a.attrelid AS relid, a.attname AS name, a.attgenerated <> '' AS generated,
            (bt.typsend <> 0 AND bt.typreceive <> 0
              AND ((bt.oid < 16384 AND bt.typname NOT LIKE 'reg%' AND bt.typname NOT LIKE '\\_reg%')
                   OR bt.typtype = 'e')) AS binary_safe,
            (COALESCE(NULLIF(t.typbasetype, 0), t.oid) IN ('text'::regtype, 'varchar'::regtype, 'json'::regtype, 'jsonb'::regtype)
              OR bt.typname = 'citext') AS text_like
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = COALESCE(NULLIF(t.typbasetype, 0), t.oid)
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [rows.map((r) => r.oid)],
  );
  const byRel = new Map<number, ColumnInfo[]>();
  for (const c of cols.rows) {
    const list = byRel.get(c.relid) ?? [];
    list.push({ name: c.name, textLike: c.text_like, generated: c.generated, binarySafe: c.binary_safe });
    byRel.set(c.relid, list);
  }
  return rows.map((r) => {
    const est = Number(r.reltuples);
    return {
      schema: r.schema,
      name: r.name,
      partitionOf: r.parents ?? [],
      estimatedRows: est >= 0 ? est : undefined,
      sizeBytes: Number(r.size),
      pages: Number(r.pages),
      columns: byRel.get(r.oid) ?? [],
    };
  });
}

export interface SequenceState {
  schema: string;
  name: string;
  lastValue: string;
  isCalled: boolean;
}

/** Every user sequence with last_value/is_called (sequences are not transactional: current values). */
export async function readSequences(client: PgClient): Promise<SequenceState[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(`
    SELECT n.nspname AS schema, c.relname AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'S' AND ${USER_SCHEMAS} AND ${NOT_EXTENSION('c.oid', 'pg_class')}
     ORDER BY 1, 2`);
  if (rows.length === 0) return [];
  // One round trip for all of them: a database with hundreds of tables has hundreds of sequences.
  const name = (r: { schema: string; name: string }) =>
    `"${r.schema.replace(/"/g, '""')}"."${r.name.replace(/"/g, '""')}"`;
  const values = await client.query<{ i: number; last_value: string; is_called: boolean }>(
    rows
      .map((r, i) => `SELECT ${i} AS i, last_value::text AS last_value, is_called FROM ${name(r)}`)
      .join(' UNION ALL '),
  );
  const out: SequenceState[] = [];
  for (const v of values.rows) {
    const s = rows[v.i];
    if (s) out.push({ schema: s.schema, name: s.name, lastValue: v.last_value, isCalled: v.is_called });
  }
  return out;
}

/** Materialized views the source has populated (pg_dump --schema-only does not refresh them). */
export async function populatedMatviews(client: PgClient): Promise<{ schema: string; name: string }[]> {
  const { rows } = await client.query<{ schema: string; name: string }>(`
    SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'm' AND c.relispopulated AND ${USER_SCHEMAS} AND ${NOT_EXTENSION('c.oid', 'pg_class')}
     ORDER BY c.oid`);
  return rows;
}

export const SYSTEM_SCHEMA_FILTER = USER_SCHEMAS;
export const notExtensionMember = NOT_EXTENSION;
