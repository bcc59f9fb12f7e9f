// Snapshot consistency under concurrent writes, interruption and re-run, refusal of unsafe targets,
// and a source that is never written.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyMysql, copyMysqlWith, type SnapshotMethod } from '../../src/data/mysql/index.js';
import { connect, connectionOptions, errno, query } from '../../src/data/mysql/connect.js';
import { initSourceSession } from '../../src/data/mysql/sessions.js';
import { RailcloneError, ValidationError } from '../../src/util/errors.js';
import {
  admin,
  createDb,
  dropAll,
  MYSQL_HOST,
  MYSQL_PORT,
  rawRows,
  scalarOf,
  tableNames,
  type TestDb,
} from './mysql-helpers.js';

const all: TestDb[] = [];
let src: TestDb;

async function sourceChecksums(db: TestDb): Promise<unknown> {
  const [rows] = await db.conn.query('CHECKSUM TABLE pair_a, pair_b, big EXTENDED');
  return rows;
}

beforeAll(async () => {
  src = await createDb('safe_src');
  all.push(src);
  await src.conn.query(`
    CREATE TABLE pair_a (id INT PRIMARY KEY, pad VARCHAR(200)) ENGINE=InnoDB;
    CREATE TABLE pair_b (id INT PRIMARY KEY, pad VARCHAR(200)) ENGINE=InnoDB;
    INSERT INTO pair_a SELECT seq, REPEAT('a', 150) FROM seq_1_to_20000;
    INSERT INTO pair_b SELECT seq, REPEAT('b', 150) FROM seq_1_to_20000;
    CREATE TABLE big (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB;
    INSERT INTO big SELECT seq, REPEAT(MD5(seq), 8) FROM seq_1_to_150000;`);
});

afterAll(async () => {
  await dropAll(all);
});

describe('snapshot shared by parallel sessions', () => {
  // Rows are written to both tables in one transaction, all through the copy: a target where the two
  // tables hold different ids was read from two different points in time.
  it.each([
    'backup-stage',
    'flush-tables-with-read-lock',
    'lock-tables',
    'single-session',
  ] as SnapshotMethod[])(
    '%s: one point in time across tables; rows committed after the start are not copied',
    async (method) => {
      const dst = await createDb('safe_snap');
      all.push(dst);
      const writer = await admin(src.name);
      let stop = false;
      let next = 1_000_000 + Math.floor(Math.random() * 1_000_000);
      const writes = (async () => {
        while (!stop) {
          const id = next++;
          await writer.query('START TRANSACTION');
          await writer.query('INSERT INTO pair_a VALUES (?, ?)', [id, 'w']);
          await writer.query('INSERT INTO pair_b VALUES (?, ?)', [id, 'w']);
          await writer.query('COMMIT');
        }
      })();
      let lateId = 0;
      let plan: { snapshot: SnapshotMethod; workers: number } | undefined;
      try {
        await new Promise((r) => setTimeout(r, 50));
        await copyMysqlWith(
          {
            source: src.url,
            target: dst.url,
            include: ['pair_*'],
            jobs: method === 'single-session' ? 1 : 2,
          },
          {
            ...(method === 'single-session' ? {} : { snapshotMethods: [method] }),
            onPlan: async (p) => {
              plan = p;
              // Committed after the snapshot, before any row is read.
              lateId = next++;
              await writer.query('INSERT INTO pair_a VALUES (?, ?); INSERT INTO pair_b VALUES (?, ?)', [
                lateId,
                'late',
                lateId,
                'late',
              ]);
            },
          },
        );
      } finally {
        stop = true;
        await writes;
        await writer.end();
      }
      expect(plan).toEqual(
        expect.objectContaining({ snapshot: method, workers: method === 'single-session' ? 1 : 2 }),
      );
      const ids = async (t: string) =>
        (
          (
            await dst.conn.query({ sql: `SELECT id FROM ${t} ORDER BY id`, rowsAsArray: true })
          )[0] as unknown[][]
        ).map((r) => Number(r[0]));
      const a = await ids('pair_a');
      const b = await ids('pair_b');
      expect(a.length).toBeGreaterThanOrEqual(20_000);
      expect(a).toEqual(b);
      expect(a).not.toContain(lateId);
      expect(Number(await scalarOf(src, 'SELECT COUNT(*) FROM pair_a WHERE id = ?', [lateId]))).toBe(1);
    },
  );
});

describe('interrupted copy', () => {
  it('aborts mid-table, marks the target failed, and a plain re-run then succeeds', async () => {
    const dst = await createDb('safe_abort');
    all.push(dst);
    const ac = new AbortController();
    let progressed = 0;
    const run = copyMysql({
      source: src.url,
      target: dst.url,
      include: ['big'],
      signal: ac.signal,
      onProgress: (e) => {
        if (e.kind === 'table' && e.status === 'started')
          setTimeout(() => ac.abort(new Error('operator stop')), 30);
        if (e.kind === 'table') progressed = Math.max(progressed, e.rows);
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CopyAborted' });
    const total = Number(await scalarOf(src, 'SELECT COUNT(*) FROM big'));
    expect(progressed).toBeLessThan(total);
    const [marker] = await dst.conn.query<import('mysql2').RowDataPacket[]>(
      'SELECT status, error FROM _railclone_copy_status',
    );
    expect(marker[0]?.status).toBe('failed');
    expect(String(marker[0]?.error)).toMatch(/abort/i);

    const report = await copyMysql({ source: src.url, target: dst.url, include: ['big'] });
    expect(report.tables.map((t) => [t.table, t.rows])).toEqual([['big', total]]);
    expect(await tableNames(dst)).toEqual(['big']);
    expect(await rawRows(dst, 'big')).toEqual(await rawRows(src, 'big'));
  });
});

describe('refusals', () => {
  it('refuses a non-empty target unless replaceTarget, and leaves it untouched', async () => {
    const dst = await createDb('safe_full');
    all.push(dst);
    await dst.conn.query('CREATE TABLE keep_me (id INT); INSERT INTO keep_me VALUES (7)');
    const err = await copyMysql({ source: src.url, target: dst.url, include: ['pair_a'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RailcloneError);
    expect((err as RailcloneError).code).toBe('TargetNotEmpty');
    expect((err as Error).message).toMatch(/replaceTarget/);
    expect(await tableNames(dst)).toEqual(['keep_me']);

    await copyMysql({ source: src.url, target: dst.url, include: ['pair_a'], replaceTarget: true });
    expect(await tableNames(dst)).toEqual(['pair_a']);
  });

  it('refuses the same database, by URL and by server identity behind another address', async () => {
    const before = await sourceChecksums(src);
    await expect(copyMysql({ source: src.url, target: src.url })).rejects.toMatchObject({
      code: 'SameDatabase',
    });
    // A TCP relay: another port, the same server. Only asking the servers can tell.
    const relay = net.createServer((client) => {
      const upstream = net.connect(MYSQL_PORT, MYSQL_HOST);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as net.AddressInfo).port;
    try {
      const err = await copyMysql({
        source: src.url,
        target: `mysql://root@127.0.0.1:${port}/${src.name}`,
        replaceTarget: true,
      }).catch((e: unknown) => e);
      expect((err as RailcloneError).code).toBe('SameDatabase');
      expect((err as Error).message).toMatch(/same server/);
    } finally {
      relay.close();
    }
    expect(await sourceChecksums(src)).toEqual(before);
    expect(await tableNames(src)).toEqual(['big', 'pair_a', 'pair_b']);
  });

  it('names the bad field', async () => {
    await expect(
      copyMysql({ source: src.url, target: 'mysql://root@127.0.0.1/x', jobs: 0 }),
    ).rejects.toMatchObject({
      details: expect.objectContaining({ field: 'jobs' }),
    });
    const err = await copyMysql({
      source: 'mysql://root@127.0.0.1:3306/',
      target: 'mysql://root@127.0.0.1/x',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details.field).toBe('source');
  });
});

describe('the source is only read', () => {
  it('source sessions refuse writes, and a copy leaves source checksums unchanged', async () => {
    const c = await connect(connectionOptions(src.url, 'source'));
    try {
      await initSourceSession(c, true);
      const err = await query(c, 'INSERT INTO pair_a VALUES (-1, ?)', ['x']).catch((e: unknown) => e);
      expect(errno(err)).toBe(1792); // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    } finally {
      c.destroy();
    }
    const dst = await createDb('safe_ro');
    all.push(dst);
    const before = await sourceChecksums(src);
    await copyMysql({ source: src.url, target: dst.url, include: ['pair_*', 'big'], checksums: true });
    expect(await sourceChecksums(src)).toEqual(before);
    expect(
      Number(
        await scalarOf(
          src,
          `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE '\\_railclone%'`,
          [src.name],
        ),
      ),
    ).toBe(0);
  });
});
