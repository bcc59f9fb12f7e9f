// Round trip of every awkward MariaDB type and schema object, through LOAD DATA and through INSERT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyMysqlWith, type LoadMethod } from '../../src/data/mysql/index.js';
import type { CopyReport } from '../../src/data/types.js';
import {
  columnDefs,
  createDb,
  dropAll,
  objectNames,
  rawRows,
  scalarOf,
  showCreate,
  tableNames,
  type TestDb,
} from './mysql-helpers.js';

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

let src: TestDb;
// The source as it was copied (later tests insert and roll back there, which moves AUTO_INCREMENT).
const srcCreate = new Map<string, string>();
let srcNextId = 0;
const targets: Partial<Record<LoadMethod, TestDb>> = {};
const reports: Partial<Record<LoadMethod, CopyReport>> = {};
const all: TestDb[] = [];

async function buildSource(db: TestDb): Promise<void> {
  const c = db.conn;
  await c.query(`SET SESSION sql_mode = ''`);
  await c.query(`
    CREATE TABLE kinds (
      id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      txt TEXT,
      vc VARCHAR(100) CHARACTER SET latin1 COLLATE latin1_swedish_ci,
      vc_bin VARCHAR(50) COLLATE utf8mb4_bin,
      emoji VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci,
      bl BLOB, vb VARBINARY(300), bin4 BINARY(4),
      dt DATETIME(6) NULL, d DATE NULL, ts TIMESTAMP(3) NULL, tm TIME(6), yr YEAR,
      e ENUM('a','b','c d'), s SET('x','y','z'),
      j JSON,
      dec65 DECIMAL(65,30), dbl DOUBLE, flt FLOAT, bits BIT(12), big BIGINT UNSIGNED, tiny TINYINT,
      gv INT AS (id * 2) VIRTUAL,
      gs VARCHAR(60) AS (CONCAT(vc_bin, '!')) STORED,
      pt POINT NULL,
      KEY k_emoji (emoji)
    ) ENGINE=InnoDB AUTO_INCREMENT=1000`);
  const insert = `INSERT INTO kinds (txt, vc, vc_bin, emoji, bl, vb, bin4, dt, d, ts, tm, yr, e, s, j, dec65, dbl, flt, bits, big, tiny, pt)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ST_GeomFromText(?))`;
  await c.query(insert, [
    'tab\there\nnewline\\backslash\rcr\0nul end',
    'caf\u00e9 na\u00efve \u00c5',
    'Case Sensitive',
    '\u{1D11E} \u{1F600} \u6f22\u5b57 \u{1F1EB}\u{1F1F7}',
    ALL_BYTES,
    Buffer.from(ALL_BYTES).reverse(),
    Buffer.from([0, 9, 10, 92]),
    '2024-02-29 23:59:59.999999',
    '2024-02-29',
    '2038-01-19 03:14:07.999',
    '-838:59:59.000000',
    2155,
    'c d',
    'x,z',
    '{"url": "https://x.example/a", "n": [1, 2.5, null], "u": "\u00e9\u{1F600}"}',
    '12345678901234567890123456789012345.123456789012345678901234567890',
    null,
    null,
    null,
    '18446744073709551615',
    -128,
    'POINT(1.5 -2.25)',
  ]);
  await c.query(
    `UPDATE kinds SET dbl = 0.1e0 + 0.2e0, flt = 1e0/3e0, bits = b'101010101010' WHERE id = 1000`,
  );
  // NULL, '' and the two characters \N must stay three different things; zero dates load as they are.
  await c.query(`INSERT INTO kinds (txt, vc_bin, dt, d, dbl, flt, bits, yr) VALUES
      (NULL, NULL, '0000-00-00 00:00:00', '0000-00-00', -1.7976931348623157e308, 3.4028234e38, b'0', 0),
      ('', '', '2000-01-01 00:00:00.000001', NULL, 5e-324, -0.0, b'111111111111', 1901),
      ('\\\\N', '\\\\N', NULL, NULL, 1e-300, 1.17549435e-38, NULL, NULL),
      ('NULL', 'NULL', NULL, NULL, NULL, NULL, NULL, NULL)`);
  // The last row is deleted: the next id is then above max(id)+1, and must stay so.
  await c.query(`INSERT INTO kinds (txt) VALUES ('deleted'); DELETE FROM kinds WHERE txt = 'deleted'`);

  await c.query(`CREATE TABLE nopk (a INT, b VARCHAR(10)) ENGINE=InnoDB;
                 INSERT INTO nopk VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL), (2, '')`);
  // child sorts before parent: its foreign key points at a table created later.
  await c.query(`CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20)) ENGINE=InnoDB;
                 CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id)) ENGINE=InnoDB;
                 INSERT INTO parent VALUES (1, 'p1'), (2, 'p2'); INSERT INTO child VALUES (10, 1), (11, 2), (12, 2)`);
  await c.query(`CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(100)) ENGINE=InnoDB`);
  await c.query(
    `CREATE DEFINER = CURRENT_USER TRIGGER kinds_ai_1 AFTER INSERT ON kinds FOR EACH ROW INSERT INTO log (msg) VALUES (CONCAT('first ', NEW.id))`,
  );
  await c.query(
    `CREATE TRIGGER kinds_ai_0 AFTER INSERT ON kinds FOR EACH ROW PRECEDES kinds_ai_1 INSERT INTO log (msg) VALUES (CONCAT('zeroth ', NEW.id))`,
  );
  // A definer other than the copying user: the target gets the view owned by whoever creates it.
  await c.query(
    `CREATE DEFINER = \`root\`@\`localhost\` SQL SECURITY DEFINER VIEW z_base_view AS SELECT id, emoji, gv FROM kinds`,
  );
  await c.query(`CREATE VIEW a_view_on_view AS SELECT id, gv FROM z_base_view WHERE id > 1000`);
  await c.query(`CREATE PROCEDURE add_log(IN m VARCHAR(100)) BEGIN INSERT INTO log (msg) VALUES (m); END`);
  await c.query(`CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2`);
}

beforeAll(async () => {
  src = await createDb('rt_src');
  all.push(src);
  await buildSource(src);
  for (const t of await tableNames(src)) srcCreate.set(t, await showCreate(src, t));
  srcNextId = Number(
    await scalarOf(
      src,
      `SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'kinds'`,
      [src.name],
    ),
  );
  for (const method of ['load-data', 'insert'] as const) {
    const dst = await createDb(`rt_${method === 'insert' ? 'ins' : 'ld'}`);
    all.push(dst);
    targets[method] = dst;
    reports[method] = await copyMysqlWith(
      { source: src.url, target: dst.url, jobs: method === 'insert' ? 2 : 4, checksums: true },
      { loadMethod: method, insertBatchBytes: 300 },
    );
  }
});

afterAll(async () => {
  await dropAll(all);
});

describe.each(['load-data', 'insert'] as const)('MySQL copy round trip via %s', (method) => {
  const dst = () => targets[method] as TestDb;

  it('copies every base table with identical definitions, column charsets and collations', async () => {
    const tables = await tableNames(src);
    expect(tables).toEqual(['child', 'kinds', 'log', 'nopk', 'parent']);
    expect(await tableNames(dst())).toEqual(tables);
    for (const t of tables) expect(await showCreate(dst(), t)).toBe(srcCreate.get(t));
    expect(await columnDefs(dst())).toEqual(await columnDefs(src));
  });

  it('copies every value byte for byte (including generated columns recomputed by the target)', async () => {
    let total = 0;
    for (const t of await tableNames(src)) {
      const a = await rawRows(src, t);
      total += a.length;
      expect(await rawRows(dst(), t)).toEqual(a);
    }
    expect(total).toBeGreaterThan(10);
  });

  it('keeps NULL, empty and the literal \\N apart, and every byte of a BLOB', async () => {
    const q = `SELECT COUNT(*) FROM kinds WHERE txt IS NULL UNION ALL SELECT COUNT(*) FROM kinds WHERE txt = ''
               UNION ALL SELECT COUNT(*) FROM kinds WHERE txt = '\\\\N' UNION ALL SELECT COUNT(*) FROM kinds WHERE txt = 'NULL'`;
    const [a] = await src.conn.query({ sql: q, rowsAsArray: true });
    const [b] = await dst().conn.query({ sql: q, rowsAsArray: true });
    expect(b).toEqual(a);
    expect((a as unknown[][]).map((r) => Number(r[0]))).toEqual([1, 1, 1, 1]);
    const [rows] = await dst().conn.query<import('mysql2').RowDataPacket[]>(
      'SELECT bl, vb FROM kinds WHERE id = 1000',
    );
    expect(Buffer.compare(rows[0]?.bl as Buffer, ALL_BYTES)).toBe(0);
    expect(Buffer.compare(rows[0]?.vb as Buffer, Buffer.from(ALL_BYTES).reverse())).toBe(0);
  });

  it('keeps DOUBLE and FLOAT bit-exact and DECIMAL(65,30) digit-exact', async () => {
    const q =
      'SELECT id, HEX(CAST(dbl AS BINARY)), flt = (SELECT flt FROM %DB%.kinds k2 WHERE k2.id = kinds.id), dec65 FROM kinds ORDER BY id';
    const [a] = await src.conn.query({ sql: q.replace('%DB%', `\`${dst().name}\``), rowsAsArray: true });
    for (const r of a as unknown[][]) expect(r[2] === null || Number(r[2]) === 1).toBe(true);
    const [b] = await dst().conn.query({
      sql: 'SELECT id, HEX(CAST(dbl AS BINARY)), dec65 FROM kinds ORDER BY id',
      rowsAsArray: true,
    });
    expect((b as unknown[][]).map((r) => [r[0], r[1], r[2]])).toEqual(
      (a as unknown[][]).map((r) => [r[0], r[1], r[3]]),
    );
    expect(await scalarOf(dst(), 'SELECT COUNT(*) FROM kinds WHERE flt = 1e0/3e0')).toBe(
      await scalarOf(src, 'SELECT COUNT(*) FROM kinds WHERE flt = 1e0/3e0'),
    );
  });

  it('creates triggers in their order, views on views without the foreign definer, and routines', async () => {
    expect(await objectNames(dst())).toEqual(await objectNames(src));
    const [defs] = await dst().conn.query<import('mysql2').RowDataPacket[]>(
      'SELECT TABLE_NAME, DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?',
      [dst().name],
    );
    expect(defs.length).toBe(2);
    for (const d of defs) expect(d.DEFINER).toBe(await scalarOf(dst(), 'SELECT CURRENT_USER()'));
    const [va] = await src.conn.query({
      sql: 'SELECT COUNT(*) FROM kinds WHERE id > 1000',
      rowsAsArray: true,
    });
    const [vb] = await dst().conn.query({ sql: 'SELECT COUNT(*) FROM a_view_on_view', rowsAsArray: true });
    expect(vb).toEqual(va);
    expect(Number(await scalarOf(dst(), 'SELECT twice(21)'))).toBe(42);
  });

  it('continues AUTO_INCREMENT where the source would, and fires the copied triggers in order', async () => {
    expect(srcNextId).toBeGreaterThan(Number(await scalarOf(src, 'SELECT MAX(id) + 1 FROM kinds')));
    const insertOne = async (db: TestDb) => {
      await db.conn.query('START TRANSACTION');
      await db.conn.query(`INSERT INTO kinds (txt) VALUES ('after copy')`);
      const id = await scalarOf(db, 'SELECT LAST_INSERT_ID()');
      const [log] = await db.conn.query({ sql: 'SELECT msg FROM log ORDER BY id', rowsAsArray: true });
      await db.conn.query('ROLLBACK');
      return { id, log };
    };
    const b = await insertOne(dst());
    expect(Number(b.id)).toBe(srcNextId);
    // The source fires its triggers the same way (its id may be higher: rollbacks do not return ids).
    const a = await insertOne(src);
    expect(a.log).toEqual([[`zeroth ${a.id}`], [`first ${a.id}`]]);
    expect(b.log).toEqual([[`zeroth ${b.id}`], [`first ${b.id}`]]);
  });

  it('reports every table verified with its row count and checksum', async () => {
    const r = reports[method] as CopyReport;
    expect(r.engine).toBe('mysql');
    expect(r.tables.map((t) => t.table)).toEqual(['child', 'kinds', 'log', 'nopk', 'parent']);
    for (const t of r.tables) {
      expect(t.verified).toBe(true);
      expect(t.rows).toBe(Number(await scalarOf(src, `SELECT COUNT(*) FROM \`${t.table}\``)));
    }
    expect(r.totalRows).toBe(r.tables.reduce((n, t) => n + t.rows, 0));
    expect(r.totalBytes).toBeGreaterThan(0);
    expect(r.databaseSizeBytes).toBeGreaterThan(0);
    // The marker of a running copy is gone once it succeeded.
    const marker = `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = '_railclone_copy_status'`;
    expect(Number(await scalarOf(dst(), marker, [dst().name]))).toBe(0);
  });
});
