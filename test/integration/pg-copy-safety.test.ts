// Safety of copyPostgres: one snapshot, a source that is never written, refusals (same database,
// non-empty target), and an aborted copy that leaves a marked target a re-run can replace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPostgres } from '../../src/data/postgres/index.js';
import { RailcloneError } from '../../src/util/errors.js';
import { contentDigests, copyStoppedAt, databaseComment, databases, sql } from './pg-helpers.js';

const dbs = databases('pgcopy_safe');
let source = '';

// `big` is large enough that its copy is still running when the test acts during it.
const FIXTURE = `
CREATE TABLE big (id bigint PRIMARY KEY, body text);
INSERT INTO big SELECT i, repeat(md5(i::text), 8) FROM generate_series(1, 150000) i;
CREATE TABLE small (id serial PRIMARY KEY, note text);
INSERT INTO small (note) SELECT 'n' || i FROM generate_series(1, 50) i;
`;

async function writeCounters(url: string): Promise<Record<string, string>> {
  // Counters of the tables as the server records them (flushed when sessions end).
  const rows = await sql<{ t: string; c: string }>(
    url,
    `SELECT relname AS t, (n_tup_ins + n_tup_upd + n_tup_del)::text AS c FROM pg_stat_user_tables ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.c]));
}

beforeAll(async () => {
  source = await dbs.create('src');
  await sql(source, FIXTURE);
}, 120_000);

afterAll(async () => {
  await dbs.dropAll();
});

const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof RailcloneError ? e.code : String(e);
  }
};

describe('copyPostgres safety', () => {
  it('refuses the source as target, by URL and by server identity under another host name', async () => {
    expect(await code(copyPostgres({ source, target: source }))).toBe('SameDatabase');
    const alias = source.replace('127.0.0.1', '[::ffff:127.0.0.1]');
    expect(alias).not.toBe(source);
    await expect(copyPostgres({ source, target: alias })).rejects.toThrow(
      /target is the source database.*same server identity/,
    );
    expect(await contentDigests(source)).toHaveProperty('public.small');
  });

  it('refuses a non-empty target without touching it, and replaces it with replaceTarget', async () => {
    const target = await dbs.create('full');
    await sql(target, `CREATE TABLE keepme (x int); INSERT INTO keepme VALUES (42)`);
    await expect(copyPostgres({ source, target })).rejects.toThrow(
      /target database is not empty \(1 tables.*keepme.*--replace-target/,
    );
    expect(await sql(target, 'SELECT x FROM keepme')).toEqual([{ x: 42 }]);
    // The schema dump, started beside the target's check, ended with it: no session is left on the source.
    const sessions = await sql<{ n: number }>(
      source,
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'railclone%' AND datname = current_database()`,
    );
    expect(sessions).toEqual([{ n: 0 }]);
    const r = await copyPostgres({ source, target, replaceTarget: true, include: ['small'] });
    expect(r.tables.map((t) => t.table)).toEqual(['small']);
    const [gone] = await sql<{ r: string | null }>(target, `SELECT to_regclass('public.keepme')::text AS r`);
    expect(gone?.r).toBeNull();
    // public is recreated usable by everyone as before
    const [pub] = await sql<{ ok: boolean }>(
      target,
      `SELECT has_schema_privilege('public', 'public', 'USAGE') AS ok`,
    );
    expect(pub?.ok).toBe(true);
  });

  it('reads the source in one snapshot: rows written during the copy do not reach the target; the source is never written by the copy', async () => {
    const target = await dbs.create('snap');
    const before = await contentDigests(source);
    const countersBefore = await writeCounters(source);
    let inserted: Promise<unknown> | undefined;
    let insertDoneWhenSmallStarted: boolean | undefined;
    let insertDone = false;
    const r = await copyPostgres({
      source,
      target,
      jobs: 1, // big first, then small: the insert into small lands while big is still streaming
      onProgress: (e) => {
        if (e.kind !== 'table') return;
        if (e.table === 'big' && e.status === 'started') {
          inserted = sql(source, `INSERT INTO small (note) SELECT 'late' FROM generate_series(1, 7)`).then(
            () => (insertDone = true),
          );
        }
        if (e.table === 'small' && e.status === 'started') insertDoneWhenSmallStarted = insertDone;
      },
    });
    await inserted;
    expect(insertDoneWhenSmallStarted).toBe(true);
    const [srcNow] = await sql<{ n: number }>(source, 'SELECT count(*)::int AS n FROM small');
    const [dst] = await sql<{ n: number }>(target, 'SELECT count(*)::int AS n FROM small');
    expect(srcNow?.n).toBe(57);
    expect(dst?.n).toBe(50);
    expect(r.tables.find((t) => t.table === 'small')?.rows).toBe(50);

    // Undo the test's own write, then: same contents and no write by the copy in the counters
    // (the counters moved only by the test's 7 inserts and 7 deletes).
    await sql(source, `DELETE FROM small WHERE note = 'late'`);
    await sql(source, `SELECT setval('small_id_seq', 50)`);
    expect(await contentDigests(source)).toEqual(before);
    await new Promise((res) => setTimeout(res, 1200)); // stats flush interval
    const countersAfter = await writeCounters(source);
    expect(Number(countersAfter.small) - Number(countersBefore.small)).toBe(14);
    expect(countersAfter.big).toBe(countersBefore.big);
  });

  it('marks an aborted copy failed, and a re-run without replaceTarget succeeds', async () => {
    const target = await dbs.create('abort');
    let sawProgress = false;
    const started = Date.now();
    const err = await copyStoppedAt({ source, target, jobs: 2 }, (e) => {
      if (e.kind !== 'table' || e.table !== 'big' || e.status !== 'progress' || sawProgress) return false;
      sawProgress = true;
      return true;
    });
    expect(sawProgress).toBe(true);
    expect(err).toBeInstanceOf(RailcloneError);
    expect((err as RailcloneError).code).toBe('CopyAborted');
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await databaseComment(target)).toMatch(/^railclone: copy failed/);
    // The half copy left nothing of big behind (its transaction rolled back).
    const [big] = await sql<{ n: number }>(target, 'SELECT count(*)::int AS n FROM big');
    expect(big?.n).toBe(0);
    // No copy session is left on either server.
    const [left] = await sql<{ n: number }>(
      source,
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'railclone-%' AND datname IN (current_database(), $1)`,
      [new URL(target).pathname.slice(1)],
    );
    expect(left?.n).toBe(0);

    const r = await copyPostgres({ source, target });
    expect(r.tables.find((t) => t.table === 'big')?.rows).toBe(150000);
    expect(await contentDigests(target)).toEqual(await contentDigests(source));
    expect(await databaseComment(target)).toMatch(/^railclone: copy done/);
    // Done means not replaceable any more.
    expect(await code(copyPostgres({ source, target }))).toBe('TargetNotEmpty');
  });

  it('rejects bad options before connecting', async () => {
    await expect(copyPostgres({ source, target: 'mysql://x/y' })).rejects.toThrow(/target/);
    await expect(copyPostgres({ source, target: `${source}_x`, jobs: 0 })).rejects.toThrow(
      /jobs must be an integer from 1 to 64/,
    );
    await expect(
      copyPostgres({ source, target: `${source}_x`, rewrite: [{ from: 'a', to: 'a' }] }),
    ).rejects.toThrow(/same/);
  });
});
