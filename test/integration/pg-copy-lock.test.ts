// The target-side copy lock: two copies into one target database at once (a retried task run twice
// side by side) run one after the other, and the target ends equal to the source.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyPostgres } from '../../src/data/postgres/index.js';
import { setLogSink } from '../../src/util/log.js';
import { expectAbortWhileWaiting, expectOneAfterTheOther } from './copy-lock-helpers.js';
import { contentDigests, databaseComment, databases, sql } from './pg-helpers.js';

const dbs = databases('pgcopy_lock');
let source = '';
let lines: string[] = [];

beforeAll(async () => {
  source = await dbs.create('src');
  await sql(
    source,
    `CREATE TABLE big (id bigint PRIMARY KEY, body text);
     INSERT INTO big SELECT i, repeat(md5(i::text), 8) FROM generate_series(1, 100000) i;
     CREATE TABLE small (id serial PRIMARY KEY, note text);
     INSERT INTO small (note) SELECT 'n' || i FROM generate_series(1, 50) i;`,
  );
  setLogSink(({ message }) => lines.push(message));
}, 120_000);

afterEach(() => {
  lines = [];
});

afterAll(async () => {
  setLogSink(null);
  await dbs.dropAll();
});

describe('copyPostgres target lock', () => {
  it('two copies into the same target at once: the second waits, then replaces it; target equals the source', async () => {
    const target = await dbs.create('twice');
    const name = new URL(target).pathname.slice(1);
    await expectOneAfterTheOther(
      copyPostgres,
      { source, target, replaceTarget: true, jobs: 2 },
      100050,
      name,
      lines,
    );
    expect(await contentDigests(target)).toEqual(await contentDigests(source));
    expect(await databaseComment(target)).toMatch(/^railclone: copy done/);
  }, 180_000);

  it('a single copy takes the lock without waiting, and releases it', async () => {
    const target = await dbs.create('single');
    await copyPostgres({ source, target });
    expect(lines.some((l) => l.includes('is running; waiting'))).toBe(false);
    expect(await contentDigests(target)).toEqual(await contentDigests(source));
    const [held] = await sql<{ n: number }>(
      source,
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = $1`,
      [new URL(target).pathname.slice(1)],
    );
    expect(held?.n).toBe(0);
  }, 120_000);

  it('a copy aborted while it waits ends at once and leaves the running copy alone', async () => {
    const target = await dbs.create('abortwait');
    await expectAbortWhileWaiting(copyPostgres, { source, target }, lines);
    expect(lines.filter((l) => l.startsWith('replacing the target'))).toHaveLength(0);
    expect(await contentDigests(target)).toEqual(await contentDigests(source));
  }, 120_000);
});
