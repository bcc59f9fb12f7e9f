// The target-side copy lock: two copies into one target database at once (a retried task run twice
// side by side) run one after the other, and the target ends equal to the source.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyPostgres } from '../../src/data/postgres/index.js';
import type { CopyOptions } from '../../src/data/types.js';
import { RailcloneError } from '../../src/util/errors.js';
import { setLogSink } from '../../src/util/log.js';
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

/** A copy that records when each of its progress events came and when it ended. */
function timedCopy(opts: CopyOptions) {
  const events: number[] = [];
  const run = copyPostgres({ ...opts, onProgress: () => events.push(performance.now()) }).then((r) => ({
    report: r,
    ended: performance.now(),
  }));
  return { events, run };
}

describe('copyPostgres target lock', () => {
  it('two copies into the same target at once: the second waits, then replaces it; target equals the source', async () => {
    const target = await dbs.create('twice');
    const name = new URL(target).pathname.slice(1);
    const a = timedCopy({ source, target, replaceTarget: true, jobs: 2 });
    const b = timedCopy({ source, target, replaceTarget: true, jobs: 2 });
    const [ra, rb] = await Promise.all([a.run, b.run]);
    expect(ra.report.totalRows).toBe(100050);
    expect(rb.report.totalRows).toBe(100050);
    // One ran entirely after the other had ended: no interleaving.
    const [first, second] = ra.ended < rb.ended ? [ra, b] : [rb, a];
    expect(second.events.length).toBeGreaterThan(0);
    expect(Math.min(...second.events)).toBeGreaterThanOrEqual(first.ended);
    expect(lines.filter((l) => l === `another copy into ${name} is running; waiting`)).toHaveLength(1);
    expect(lines.some((l) => l.startsWith(`the other copy into ${name} ended after`))).toBe(true);
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
    let copying!: () => void;
    const holds = new Promise<void>((res) => (copying = res));
    const a = copyPostgres({ source, target, jobs: 1, onProgress: () => copying() });
    await holds; // a holds the lock: b is the one that waits
    const ac = new AbortController();
    let started = 0;
    const poll = setInterval(() => {
      if (lines.some((l) => l.includes('is running; waiting')) && !ac.signal.aborted) {
        started = performance.now();
        ac.abort();
      }
    }, 20);
    const b = await copyPostgres({ source, target, replaceTarget: true, signal: ac.signal }).catch(
      (e: unknown) => e,
    );
    clearInterval(poll);
    expect(b).toBeInstanceOf(RailcloneError);
    expect((b as RailcloneError).code).toBe('CopyAborted');
    expect(performance.now() - started).toBeLessThan(10_000);
    await a;
    expect(lines.filter((l) => l.startsWith('replacing the target'))).toHaveLength(0);
    expect(await contentDigests(target)).toEqual(await contentDigests(source));
  }, 120_000);
});
