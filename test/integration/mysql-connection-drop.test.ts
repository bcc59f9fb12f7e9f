// The server drops the copy's connections in the middle of a copy: the copy must reject with a clear
// error, nothing may surface as a process-level event (an uncaught exception would crash the Kestra
// task or the gateway), and a plain re-run must succeed.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { copyMysqlWith } from '../../src/data/mysql/index.js';
import { RailcloneError } from '../../src/util/errors.js';
import type { ProgressEvent } from '../../src/util/progress.js';
import { admin, createDb, dropAll, rawRows, tableNames, type TestDb } from './mysql-helpers.js';

const all: TestDb[] = [];
let src: TestDb;
let ctl: mysql.Connection;

// Explicit: vitest would only print these as "Unhandled Errors" after the run.
let escaped: { kind: string; message: string }[] = [];
const onUncaught = (err: Error) => escaped.push({ kind: 'uncaughtException', message: err.message });
const onRejection = (err: unknown) =>
  escaped.push({ kind: 'unhandledRejection', message: String((err as Error)?.message ?? err) });

beforeAll(async () => {
  src = await createDb('drop_src');
  all.push(src);
  // `big` is copied first (largest first); the small tables fit into one LOAD DATA chunk each.
  await src.conn.query(`
    CREATE TABLE big (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB;
    INSERT INTO big SELECT seq, REPEAT(MD5(seq), 6) FROM seq_1_to_30000;
    CREATE TABLE small_a (id INT PRIMARY KEY, v VARCHAR(50)) ENGINE=InnoDB;
    INSERT INTO small_a SELECT seq, CONCAT('a', seq) FROM seq_1_to_300;
    CREATE TABLE small_b (id INT PRIMARY KEY, v VARCHAR(50)) ENGINE=InnoDB;
    INSERT INTO small_b SELECT seq, CONCAT('b', seq) FROM seq_1_to_200;
    CREATE TABLE small_c (id INT PRIMARY KEY, v VARCHAR(50)) ENGINE=InnoDB;
    INSERT INTO small_c SELECT seq, CONCAT('c', seq) FROM seq_1_to_100;`);
  ctl = await admin(); // no default database: never among the connections killed below
});

afterAll(async () => {
  await ctl?.end();
  await dropAll(all);
});

beforeEach(() => {
  escaped = [];
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);
});

afterEach(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onRejection);
});

/** KILLs every connection the copy has open to `db` (not the test's own); returns how many. */
async function killConnectionsTo(db: TestDb): Promise<number> {
  const [rows] = await ctl.query<mysql.RowDataPacket[]>(
    'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> ?',
    [db.name, db.conn.threadId],
  );
  let n = 0;
  for (const r of rows)
    await ctl.query(`KILL ${Number(r.ID)}`).then(
      () => n++,
      () => undefined,
    );
  return n;
}

/** Waits until a statement on `db` matching `like` shows up in the process list in `state`. */
async function waitForStatement(db: string, like: string, state: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const [rows] = await ctl.query<mysql.RowDataPacket[]>(
      'SELECT STATE FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE ?',
      [db, like],
    );
    if (rows.some((r) => String(r.STATE).includes(state))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no statement like ${like} in state "${state}" on ${db}`);
}

/** The copy's outcome: its error, or 'resolved', or 'hung' after `ms`. */
function outcomeOf(p: Promise<unknown>, ms = 20_000): Promise<unknown> {
  return Promise.race([
    p.then(
      () => 'resolved',
      (e: unknown) => e,
    ),
    new Promise((r) => setTimeout(() => r('hung'), ms).unref()),
  ]);
}

/** Lets every already-queued tick, error emission and timer of the failed copy run. */
const settle = () => new Promise((r) => setTimeout(r, 300));

async function expectRerunSucceeds(dst: TestDb): Promise<void> {
  const report = await copyMysqlWith(
    { source: src.url, target: dst.url, jobs: 1 },
    { loadMethod: 'load-data' },
  );
  expect(report.tables.map((t) => t.table).sort()).toEqual(['big', 'small_a', 'small_b', 'small_c']);
  expect(await tableNames(dst)).toEqual(await tableNames(src));
  for (const t of ['big', 'small_a', 'small_b', 'small_c'])
    expect(await rawRows(dst, t)).toEqual(await rawRows(src, t));
}

describe('target connections dropped in the middle of a copy', () => {
  // Deterministic: a small table's LOAD DATA is held on a table lock, so the encoder has been fed
  // every row and nobody but the copy itself waits on it when the server kills the connection.
  it('while a LOAD DATA waits: the copy rejects, nothing escapes, a re-run succeeds', async () => {
    const dst = await createDb('drop_dst');
    all.push(dst);
    const locker = await admin();
    let locked: Promise<unknown> | undefined;
    const onProgress = (e: ProgressEvent) => {
      // Taken while `big` (always first, largest first) copies, so it is surely held before small_a's
      // LOAD DATA arrives (at small_a's own start the two raced, and a fast load could win).
      if (e.kind === 'table' && e.table === 'big' && e.status === 'started')
        locked = locker.query(`LOCK TABLES \`${dst.name}\`.small_a WRITE`);
    };
    const outcome = outcomeOf(
      copyMysqlWith({ source: src.url, target: dst.url, jobs: 1, onProgress }, { loadMethod: 'load-data' }),
    );
    let killed: number | undefined;
    try {
      await waitForStatement(dst.name, 'LOAD DATA%small_a%', 'metadata lock');
      killed = await killConnectionsTo(dst);
    } finally {
      await locked;
      await locker.query('UNLOCK TABLES');
      await locker.end();
    }
    const err = await outcome;
    await settle();

    expect(killed).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(RailcloneError);
    expect((err as RailcloneError).code).toBe('CopyFailed');
    expect((err as Error).message).toMatch(/small_a/);
    expect((err as Error).message).toMatch(/killed|connection lost|closed/i);
    expect(escaped).toEqual([]);

    await expectRerunSucceeds(dst);
    expect(escaped).toEqual([]);
  });

  // What the e2e transient-failure test does: kill the moment the first table is done, whatever
  // the next table's copy is doing. Several rounds, since the moment varies.
  it('right after the first table is done (5 rounds): rejects every time, nothing escapes, a re-run succeeds', async () => {
    for (let round = 0; round < 5; round++) {
      const dst = await createDb('drop_dst');
      all.push(dst);
      let killing: Promise<number> | undefined;
      const err = await outcomeOf(
        copyMysqlWith(
          {
            source: src.url,
            target: dst.url,
            jobs: 1,
            onProgress: (e) => {
              if (e.kind === 'table' && e.status === 'done' && !killing) killing = killConnectionsTo(dst);
            },
          },
          { loadMethod: 'load-data' },
        ),
      );
      const killed = await killing;
      await settle();

      expect(killed, `round ${round}`).toBeGreaterThan(0);
      expect(err, `round ${round}`).toBeInstanceOf(RailcloneError);
      expect((err as RailcloneError).code).toBe('CopyFailed');
      expect((err as Error).message).toMatch(/^MySQL copy failed/);
      expect(escaped, `round ${round}`).toEqual([]);

      await expectRerunSucceeds(dst);
      expect(escaped, `round ${round}`).toEqual([]);
    }
  });
});

describe('source connections dropped in the middle of a copy', () => {
  // mysql2 tells only the connection, not the streaming SELECT, when the socket closes under it:
  // unless that reaches the copy, the row stream waits for rows forever.
  it('while the SELECT streams: the copy rejects (no hang), nothing escapes, a re-run succeeds', async () => {
    const dst = await createDb('drop_dst');
    all.push(dst);
    const copy = copyMysqlWith(
      { source: src.url, target: dst.url, jobs: 1, include: ['big'] },
      { loadMethod: 'load-data', loadChunkRows: 2000 },
    );
    const outcome = outcomeOf(copy);
    await waitForStatement(src.name, 'SELECT%FROM `big`', '');
    const killed = await killConnectionsTo(src);
    const err = await outcome;
    await settle();

    expect(killed).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(RailcloneError);
    expect((err as RailcloneError).code).toBe('CopyFailed');
    expect((err as Error).message).toMatch(/on table big: .*(connection lost|killed|interrupted)/i);
    expect(escaped).toEqual([]);

    await expectRerunSucceeds(dst);
    expect(escaped).toEqual([]);
  });
});
