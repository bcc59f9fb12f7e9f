// The target-side copy lock: two copies into one target database at once (a retried task run twice
// side by side) run one after the other, and the target ends equal to the source.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyMysql } from '../../src/data/mysql/index.js';
import { setLogSink } from '../../src/util/log.js';
import { expectAbortWhileWaiting, expectOneAfterTheOther } from './copy-lock-helpers.js';
import { createDb, dropAll, scalarOf, tableNames, type TestDb } from './mysql-helpers.js';

const all: TestDb[] = [];
let src: TestDb;
let lines: string[] = [];

beforeAll(async () => {
  src = await createDb('lock_src');
  all.push(src);
  await src.conn.query(`
    CREATE TABLE big (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB;
    INSERT INTO big SELECT seq, REPEAT(MD5(seq), 8) FROM seq_1_to_100000;
    CREATE TABLE small (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB;
    INSERT INTO small (note) SELECT CONCAT('n', seq) FROM seq_1_to_50;`);
  setLogSink(({ message }) => lines.push(message));
}, 120_000);

afterEach(() => {
  lines = [];
});

afterAll(async () => {
  setLogSink(null);
  await dropAll(all);
});

/** Row count and CHECKSUM TABLE of each table: equal on both ends means the same rows. */
async function contents(db: TestDb): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of await tableNames(db)) {
    const n = await scalarOf(db, `SELECT COUNT(*) FROM \`${t}\``);
    const [rows] = await db.conn.query(`CHECKSUM TABLE \`${t}\` EXTENDED`);
    out[t] = `${String(n)}:${String((rows as { Checksum: unknown }[])[0]?.Checksum)}`;
  }
  return out;
}

describe('copyMysql target lock', () => {
  it('two copies into the same target at once: the second waits, then replaces it; target equals the source', async () => {
    const dst = await createDb('lock_twice');
    all.push(dst);
    await expectOneAfterTheOther(
      copyMysql,
      { source: src.url, target: dst.url, replaceTarget: true, jobs: 2 },
      100050,
      dst.name,
      lines,
    );
    const want = await contents(src);
    expect(Object.keys(want)).toEqual(['big', 'small']);
    expect(await contents(dst)).toEqual(want);
  }, 180_000);

  it('a single copy takes the lock without waiting, and releases it', async () => {
    const dst = await createDb('lock_single');
    all.push(dst);
    await copyMysql({ source: src.url, target: dst.url });
    expect(lines.some((l) => l.includes('is running; waiting'))).toBe(false);
    expect(await contents(dst)).toEqual(await contents(src));
    expect(await scalarOf(dst, 'SELECT IS_USED_LOCK(?)', [`railclone-copy:${dst.name}`])).toBeNull();
  }, 120_000);

  it('a copy aborted while it waits ends at once and leaves the running copy alone', async () => {
    const dst = await createDb('lock_abort');
    all.push(dst);
    await expectAbortWhileWaiting(copyMysql, { source: src.url, target: dst.url }, lines);
    expect(lines.filter((l) => l.includes('replaceTarget: dropping'))).toHaveLength(0);
    expect(await contents(dst)).toEqual(await contents(src));
  }, 120_000);
});
