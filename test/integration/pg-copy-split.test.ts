// A big table split into block (ctid) ranges over the jobs: every row lands once, rewritten per
// chunk, checksums equal, progress per chunk with an ETA, and the same result without splitting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPostgres } from '../../src/data/postgres/index.js';
import type { ProgressEvent } from '../../src/util/progress.js';
import { contentDigests, databases, sql } from './pg-helpers.js';

const dbs = databases('pgcopy_split');
let source = '';

// ~45 MB heap: above the split threshold, so 2 jobs split it.
const FIXTURE = `
CREATE TABLE events (id bigint PRIMARY KEY, url text, body text);
INSERT INTO events SELECT i, 'https://old.example/e/' || i, repeat(md5(i::text), 9) FROM generate_series(1, 140000) i;
CREATE TABLE tiny (id int PRIMARY KEY, note text);
INSERT INTO tiny SELECT i, 'n' || i FROM generate_series(1, 20) i;
ANALYZE;
`;

beforeAll(async () => {
  source = await dbs.create('src');
  await sql(source, FIXTURE);
}, 120_000);

afterAll(async () => {
  await dbs.dropAll();
});

describe('copyPostgres with a split table', () => {
  it('copies every row once in chunks, rewritten, with chunk progress and an ETA', async () => {
    const target = await dbs.create('dst');
    const events: ProgressEvent[] = [];
    const report = await copyPostgres({
      source,
      target,
      jobs: 2,
      splitTables: true, // this machine's 2 cores would not split on their own (splitPays)
      checksums: true,
      rewrite: [{ from: 'https://old.example', to: 'https://new.example' }],
      onProgress: (e) => events.push(e),
    });
    const mine = events.flatMap((e) => (e.kind === 'table' && e.table === 'events' ? [e] : []));
    const chunked = mine.flatMap((e) => (e.chunks ? [e.chunks] : []));
    expect(chunked.length).toBeGreaterThan(0);
    const total = chunked[0]?.total ?? 0;
    expect(total).toBeGreaterThanOrEqual(2);
    expect(chunked.map((c) => c.done)).toContain(total);
    expect(mine.filter((e) => e.status === 'started')).toHaveLength(1);
    expect(mine.filter((e) => e.status === 'done')).toHaveLength(1);
    expect(mine.some((e) => e.etaSeconds !== undefined)).toBe(true);

    const row = report.tables.find((t) => t.table === 'events');
    expect(row?.rows).toBe(140000);
    expect(row?.rewritten).toBe(140000);
    const [t] = await sql<{ n: number; distinct: number; bad: number }>(
      target,
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct,
              count(*) FILTER (WHERE url <> 'https://new.example/e/' || id)::int AS bad FROM events`,
    );
    expect(t).toEqual({ n: 140000, distinct: 140000, bad: 0 });
  }, 180_000);

  it('gives the same content split and not split', async () => {
    const a = await dbs.create('a');
    const b = await dbs.create('b');
    await copyPostgres({ source, target: a, jobs: 2, splitTables: true });
    await copyPostgres({ source, target: b, jobs: 2, splitTables: false });
    const [da, db, ds] = await Promise.all([contentDigests(a), contentDigests(b), contentDigests(source)]);
    expect(da).toEqual(ds);
    expect(db).toEqual(ds);
  }, 180_000);
});
