// Every common PostgreSQL type and schema object survives copyPostgres exactly; source and target are
// compared with queries (schema fingerprint, per-table digests), not with hard-coded values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPostgres } from '../../src/data/postgres/index.js';
import type { CopyReport } from '../../src/data/types.js';
import type { ProgressEvent } from '../../src/util/progress.js';
import { setLogLevel, setLogSink } from '../../src/util/log.js';
import { contentDigests, databaseComment, databases, schemaFingerprint, sql } from './pg-helpers.js';

const dbs = databases('pgcopy_rt');
let source = '';
let target = '';
let report: CopyReport;
const events: ProgressEvent[] = [];
const copyLines: string[] = [];

const FIXTURE = `
CREATE EXTENSION citext;
CREATE SCHEMA shop;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE everything (
  id bigserial PRIMARY KEY,
  t text, vc varchar(50), ch char(5), ci citext, n numeric(60,30), f8 float8, f4 real, i2 smallint, b bool,
  ts timestamptz, tsn timestamp, d date, tm time, iv interval, u uuid, j json, jb jsonb,
  arr int[], tarr text[], by bytea, m mood, e email, ip inet, pt point, rng int4range, bits bit varying(10),
  upper_t text GENERATED ALWAYS AS (upper(t)) STORED,
  ident int GENERATED ALWAYS AS IDENTITY
);
INSERT INTO everything (t, vc, ch, ci, n, f8, f4, i2, b, ts, tsn, d, tm, iv, u, j, jb, arr, tarr, by, m, e, ip, pt, rng, bits) VALUES
 (E'tab\\there\\nnew line\\r\\\\back\\\\slash \\\\N', 'unicode é 漢字 🚀 e\u0301', 'ab', 'MiXeD', 123456789012345678901234567890.123456789012345678901234567890,
  1e-300, 3.14, -32768, true, '2024-02-29 23:59:59.999999+05:30', '1999-12-31 23:59:59', '0001-01-01', '24:00:00',
  '1 year 2 mons 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a" :  1, "b":[1, 2], "u": "\\u00e9"}',
  '{"nested": {"k": [1, null, "x\\ty"]}}', ARRAY[1, NULL, 3], ARRAY['a"b', NULL, 'c,d', E'x\\\\y', ''],
  decode(repeat('00ff10', 3) || '5c0a09', 'hex'), 'happy', 'a@b.c', '192.168.0.1/24', '(1.5,-2)', '[1,10)', B'1011'),
 ('', '', '', '', 'NaN', 'Infinity', '-Infinity', 0, false, 'infinity', '-infinity', 'infinity', '00:00', '-3 days',
  '00000000-0000-0000-0000-000000000000', '[]', '{}', '{}', '{}', '', 'sad', 'x@y', '::1', '(0,0)', 'empty', B''),
 (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (E'\\\\N', E'\\x01\\x02 control', 'N', NULL, -0.000000000000000000000000000001, 'NaN', 1.0e-45, 32767, NULL, now(), NULL, NULL, NULL, NULL,
  gen_random_uuid(), 'null', '"just a string"', ARRAY[[1,2],[3,4]], ARRAY['{', '}'], '\\x', 'ok', 'q@r', NULL, NULL, NULL, NULL);
INSERT INTO everything (t, n) SELECT 'row ' || i || repeat(' lorem', i % 50), i * 1.5 FROM generate_series(1, 5000) i;
-- every column binary-safe (built-in types, an enum, a domain): copied in COPY binary
CREATE TABLE typed AS SELECT id, t, vc, ch, n, f8, f4, i2, b, ts, tsn, d, tm, iv, u, j, jb, arr, tarr, by, m, e, ip, pt, rng, bits FROM everything;

CREATE TABLE shop.orders (id int PRIMARY KEY, who email NOT NULL, mood mood, total numeric(12,2), at timestamptz DEFAULT now());
CREATE TABLE shop.lines (order_id int REFERENCES shop.orders(id) ON DELETE CASCADE, sku text, qty int CHECK (qty > 0), UNIQUE (order_id, sku));
INSERT INTO shop.orders SELECT i, 'u' || i || '@x.io', (ARRAY['sad','ok','happy'])[1 + i % 3]::mood, i * 10.01 FROM generate_series(1, 300) i;
INSERT INTO shop.lines SELECT 1 + i % 300, 'sku-' || i, 1 + i % 7 FROM generate_series(1, 1200) i;

-- a table without a primary key, with duplicate rows
CREATE TABLE nopk (a int, b text);
INSERT INTO nopk VALUES (1, 'dup'), (1, 'dup'), (2, NULL), (NULL, NULL);

-- partitions (range, with a default partition and a sub-partitioned leaf)
CREATE TABLE events (id bigint, at date NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY HASH (id);
CREATE TABLE events_2025_h0 PARTITION OF events_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE events_2025_h1 PARTITION OF events_2025 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE events_other PARTITION OF events DEFAULT;
CREATE INDEX ON events (at);
INSERT INTO events SELECT i, date '2023-10-01' + (i % 900), jsonb_build_object('i', i) FROM generate_series(1, 3000) i;

-- sequences: one used, one never used, one with a custom increment
CREATE SEQUENCE counter INCREMENT 5 START 100;
SELECT nextval('counter'), nextval('counter');
CREATE SEQUENCE unused_seq;

-- views, a materialized view, functions and triggers
CREATE VIEW big_orders AS SELECT id, total FROM shop.orders WHERE total > 1000;
CREATE MATERIALIZED VIEW order_totals AS SELECT mood, sum(total) AS total FROM shop.orders GROUP BY mood;
CREATE TABLE audit (id serial PRIMARY KEY, what text);
CREATE FUNCTION log_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO audit (what) VALUES ('order ' || NEW.id); RETURN NEW; END $$;
CREATE TRIGGER orders_audit AFTER INSERT ON shop.orders FOR EACH ROW EXECUTE FUNCTION log_order();
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
INSERT INTO shop.orders VALUES (1000, 'z@z.z', 'ok', 1);
COMMENT ON TABLE nopk IS 'no primary key here';
-- types whose binary form holds OIDs that differ between databases: copied as text
CREATE TABLE regs (id int, rc regclass, rt regtype, moods mood[]);
INSERT INTO regs VALUES (1, 'shop.orders', 'mood', '{sad,happy}'), (2, 'everything', 'email', NULL);
-- The target refreshes materialized views (as pg_restore does), so the source's must be fresh to compare.
REFRESH MATERIALIZED VIEW order_totals;
`;

beforeAll(async () => {
  source = await dbs.create('src');
  target = await dbs.create('dst');
  await sql(source, FIXTURE);
  setLogLevel('debug');
  setLogSink((l) => copyLines.push(l.message));
  report = await copyPostgres({
    source,
    target,
    jobs: 3,
    checksums: true,
    onProgress: (e) => events.push(e),
  }).finally(() => {
    setLogSink(null);
    setLogLevel('info');
  });
}, 120_000);

afterAll(async () => {
  await dbs.dropAll();
});

describe('copyPostgres round trip', () => {
  it('copies the schema: columns, generated/identity columns, indexes, constraints, triggers, views, functions, enums, domains, partitions, extensions', async () => {
    const [a, b] = await Promise.all([schemaFingerprint(source), schemaFingerprint(target)]);
    expect(b).toEqual(a);
    // The fingerprint really covers these objects (guards against comparing two empty lists).
    for (const kind of [
      'col ',
      'idx ',
      'con ',
      'trg ',
      'view ',
      'matview ',
      'fn ',
      'enum ',
      'domain ',
      'ext citext',
      'part ',
      'seq ',
    ]) {
      expect(a.some((l) => l.startsWith(kind))).toBe(true);
    }
  });

  it('copies every row of every table byte for byte (text form), including partitions and the materialized view', async () => {
    const [a, b] = await Promise.all([contentDigests(source), contentDigests(target)]);
    expect(Object.keys(a).length).toBeGreaterThan(8);
    expect(b).toEqual(a);
  });

  it('relays tables of built-in types in COPY binary, and OID-bearing or extension types as text', () => {
    const format = (table: string) =>
      copyLines.find((l) => l.startsWith(`table ${table}: COPY`))?.replace(/^.*COPY /, '');
    expect(format('typed')).toBe('binary, relayed');
    expect(format('shop.orders')).toBe('binary, relayed');
    expect(format('regs')).toBe('text, relayed');
    expect(format('everything')).toBe('text, relayed'); // citext: an extension's type
  });

  it('keeps NULL and empty strings apart and special characters intact', async () => {
    const q = `SELECT id, t IS NULL AS t_null, t, vc, encode(by, 'hex') AS by, j::text AS j FROM everything WHERE id <= 4 ORDER BY id`;
    expect(await sql(target, q)).toEqual(await sql(source, q));
    const [row] = await sql<{ n: number }>(
      target,
      `SELECT count(*)::int AS n FROM everything WHERE t = '' AND t IS NOT NULL`,
    );
    expect(row?.n).toBe(1);
  });

  it('recomputes generated columns and did not fire triggers during the copy', async () => {
    const [g] = await sql<{ bad: number }>(
      target,
      `SELECT count(*)::int AS bad FROM everything WHERE upper_t IS DISTINCT FROM upper(t)`,
    );
    expect(g?.bad).toBe(0);
    const count = `SELECT count(*)::int AS n FROM audit`;
    expect(await sql(target, count)).toEqual(await sql(source, count));
  });

  it('sets sequences so the next value continues after the source', async () => {
    const seqs = `SELECT sequencename AS s, last_value::text AS v FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`;
    expect(await sql(target, seqs)).toEqual(await sql(source, seqs));
    const [src] = await sql<{ v: string }>(source, `SELECT last_value::text AS v FROM counter`);
    const [next] = await sql<{ v: string }>(target, `SELECT nextval('counter')::text AS v`);
    expect(Number(next?.v)).toBe(Number(src?.v) + 5);
    const [unused] = await sql<{ v: string }>(target, `SELECT nextval('unused_seq')::text AS v`);
    expect(unused?.v).toBe('1');
    const [id] = await sql<{ v: string; m: string }>(
      target,
      `SELECT nextval('everything_id_seq')::text AS v, (SELECT max(id) FROM everything)::text AS m`,
    );
    expect(Number(id?.v)).toBeGreaterThan(Number(id?.m));
  });

  it('leaves the target working: constraints and triggers act on new rows', async () => {
    await sql(target, `INSERT INTO shop.orders (id, who) VALUES (5000, 'new@x.io')`);
    const [a] = await sql<{ what: string }>(target, `SELECT what FROM audit ORDER BY id DESC LIMIT 1`);
    expect(a?.what).toBe('order 5000');
    await expect(sql(target, `INSERT INTO shop.lines VALUES (999999, 'x', 1)`)).rejects.toThrow(
      /foreign key/,
    );
    await expect(sql(target, `INSERT INTO everything (e) VALUES ('not-an-email')`)).rejects.toThrow(
      /check constraint/,
    );
  });

  it('reports every leaf table with its rows, verified, and progress events per table', async () => {
    const leaves = await sql<{ t: string; n: string }>(
      source,
      `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS t,
              (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM ONLY %I.%I', n.nspname, c.relname), false, true, '')))[1]::text AS n
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname IN ('public', 'shop') ORDER BY 1`,
    );
    expect(report.tables.map((t) => [t.table, String(t.rows)])).toEqual(leaves.map((l) => [l.t, l.n]));
    expect(report.tables.every((t) => t.verified && t.rewritten === 0)).toBe(true);
    expect(report.totalRows).toBe(leaves.reduce((n, l) => n + Number(l.n), 0));
    expect(report.totalBytes).toBeGreaterThan(0);
    expect(report.databaseSizeBytes).toBeGreaterThan(report.totalBytes);
    for (const t of report.tables) {
      const mine = events.filter((e) => e.kind === 'table' && e.table === t.table);
      expect(mine[0]).toMatchObject({ status: 'started' });
      expect(mine.at(-1)).toMatchObject({ status: 'done', rows: t.rows, bytes: t.bytes });
    }
    expect(await databaseComment(target)).toMatch(/^railclone: copy done/);
  });

  it('copies only the included tables rows (schema whole) and honours exclude over partition parents', async () => {
    const t2 = await dbs.create('dst2');
    const r = await copyPostgres({
      source,
      target: t2,
      include: ['events', 'shop.*'],
      exclude: ['events_2025'],
      jobs: 2,
    });
    expect(r.tables.map((t) => t.table).sort()).toEqual([
      'events_2024',
      'events_other',
      'shop.lines',
      'shop.orders',
    ]);
    const [n] = await sql<{ n: number }>(t2, `SELECT count(*)::int AS n FROM everything`);
    expect(n?.n).toBe(0);
    const [e] = await sql<{ a: number; b: number }>(
      t2,
      `SELECT (SELECT count(*) FROM events_2025)::int AS a, (SELECT count(*) FROM events_2024)::int AS b`,
    );
    expect(e?.a).toBe(0);
    expect(e?.b).toBeGreaterThan(0);
  });
});
