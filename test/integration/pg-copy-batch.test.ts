// Many small tables (a WordPress multisite) are copied several to a target transaction: every row
// lands, with statistics, in a handful of transactions rather than one per table (without the
// per-table TRUNCATE that FREEZE needs; a big table still lands frozen); a copy stopped inside a
// batch rolls the whole batch back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_TABLE_BYTES, copyPostgres } from '../../src/data/postgres/index.js';
import type { ProgressEvent } from '../../src/util/progress.js';
import { contentDigests, copyStoppedAt, databases, sql } from './pg-helpers.js';

const dbs = databases('pgcopy_batch');
let source = '';
const SMALL = 30;

beforeAll(async () => {
  source = await dbs.create('src');
  const small = Array.from(
    { length: SMALL },
    (
      _,
      i,
    ) => `CREATE TABLE wp_${i + 2}_options (option_id bigint PRIMARY KEY, option_name text, option_value text);
     INSERT INTO wp_${i + 2}_options SELECT g, 'opt' || g, repeat('v', 40) FROM generate_series(1, 50 + ${i}) g;`,
  ).join('\n');
  // One table above the batch limit: copied on its own, in its own transaction.
  await sql(
    source,
    `${small}
     CREATE TABLE wp_posts (id bigint PRIMARY KEY, body text);
     INSERT INTO wp_posts SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 12000) g;
     ANALYZE;`,
  );
  const [big] = await sql<{ n: string }>(source, `SELECT pg_table_size('wp_posts')::text AS n`);
  expect(Number(big?.n)).toBeGreaterThan(BATCH_TABLE_BYTES);
}, 120_000);

afterAll(async () => {
  await dbs.dropAll();
});

/** Per table: its pages, how many are all-frozen, and whether ANALYZE left statistics. */
async function landing(url: string) {
  await sql(url, 'CREATE EXTENSION IF NOT EXISTS pg_visibility');
  return sql<{ table: string; pages: number; frozen: number; analyzed: boolean }>(
    url,
    `SELECT c.relname AS table, pg_relation_size(c.oid)::int / current_setting('block_size')::int AS pages,
            (SELECT all_frozen FROM pg_visibility_map_summary(c.oid))::int AS frozen,
            (SELECT count(*) > 0 FROM pg_stats s WHERE s.tablename = c.relname) AS analyzed
       FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY 1`,
  );
}

describe('copyPostgres with many small tables', () => {
  it('lands them analyzed, in a few transactions for all of them; the big table frozen', async () => {
    const target = await dbs.create('dst');
    const events: ProgressEvent[] = [];
    const report = await copyPostgres({ source, target, jobs: 2, onProgress: (e) => events.push(e) });
    expect(report.tables).toHaveLength(SMALL + 1);
    expect(report.tables.every((t) => t.verified)).toBe(true);
    expect(await contentDigests(target)).toEqual(await contentDigests(source));
    // Each table reported done once, with its rows.
    const done = events.filter((e) => e.kind === 'table' && e.status === 'done');
    expect(done).toHaveLength(SMALL + 1);

    const rows = await landing(target);
    expect(rows).toHaveLength(SMALL + 1);
    for (const r of rows) {
      expect(r.pages, r.table).toBeGreaterThan(0);
      expect(r.analyzed, `${r.table}: ANALYZE ran`).toBe(true);
    }
    const posts = rows.find((r) => r.table === 'wp_posts')!;
    expect(posts.frozen, 'wp_posts: every page all-frozen (COPY FREEZE)').toBe(posts.pages);
    // The transaction that inserted each small table: a batch shares one.
    const xmins = new Set<string>();
    for (let i = 2; i < SMALL + 2; i++) {
      const x = await sql<{ x: string }>(target, `SELECT DISTINCT xmin::text AS x FROM wp_${i}_options`);
      expect(x).toHaveLength(1);
      xmins.add(x[0]!.x);
    }
    expect(xmins.size).toBeGreaterThanOrEqual(2); // both lanes got some
    expect(xmins.size).toBeLessThanOrEqual(4);
    const [own] = await sql<{ x: string }>(target, `SELECT DISTINCT xmin::text AS x FROM wp_posts`);
    expect(xmins.has(own!.x)).toBe(false);
  });

  it('rolls a batch back whole when the copy stops inside it', async () => {
    const target = await dbs.create('stop');
    let started = 0;
    // One lane: the big table first, then one batch of all the small ones; stopped as its third starts.
    const err = await copyStoppedAt(
      { source, target, jobs: 1 },
      (e) => e.kind === 'table' && e.status === 'started' && e.table.endsWith('_options') && ++started === 3,
    );
    expect((err as { code?: string }).code).toBe('CopyAborted');
    expect(started).toBe(3);
    // The first two small tables were copied inside the batch's transaction: rolled back with it.
    const counts = await sql<{ n: number }>(
      target,
      Array.from({ length: SMALL }, (_, i) => `SELECT count(*)::int AS n FROM wp_${i + 2}_options`).join(
        ' UNION ALL ',
      ),
    );
    expect(counts.map((c) => c.n)).toEqual(Array(SMALL).fill(0));
    const [posts] = await sql<{ n: number }>(target, 'SELECT count(*)::int AS n FROM wp_posts');
    expect(posts?.n).toBe(12000);
  });
});
