// Shared by the mysql-*.test.ts files: throwaway databases on the local MariaDB and comparisons
// that ask both servers (nothing hard-coded).
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export const MYSQL_HOST = '127.0.0.1';
export const MYSQL_PORT = 3306;

export async function admin(database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: MYSQL_HOST,
    port: MYSQL_PORT,
    user: 'root',
    charset: 'UTF8MB4_GENERAL_CI',
    multipleStatements: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    ...(database ? { database } : {}),
  });
}

export interface TestDb {
  name: string;
  url: string;
  conn: mysql.Connection;
}

const created: string[] = [];

/** A fresh database `mysqlcp_<tag>_<random>`; `dropAll` removes every one made by this file. */
export async function createDb(tag: string): Promise<TestDb> {
  const name = `mysqlcp_${tag}_${randomBytes(4).toString('hex')}`;
  const a = await admin();
  await a.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await a.end();
  created.push(name);
  return { name, url: `mysql://root@${MYSQL_HOST}:${MYSQL_PORT}/${name}`, conn: await admin(name) };
}

export async function dropAll(dbs: TestDb[]): Promise<void> {
  for (const d of dbs) await d.conn.end().catch(() => {});
  const a = await admin();
  for (const n of created.splice(0)) await a.query(`DROP DATABASE IF EXISTS \`${n}\``);
  await a.end();
}

type Row = Record<string, unknown>;

/** Every row of a table as raw bytes (FLOAT widened to show every bit), sorted: order-free comparison. */
export async function rawRows(db: TestDb, table: string, except: string[] = []): Promise<string[]> {
  const [cols] = await db.conn.query<mysql.RowDataPacket[]>(
    'SELECT COLUMN_NAME AS c, DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [db.name, table],
  );
  const list = cols.filter((c) => !except.includes(String(c.c)));
  const sel = list.map((c) => (c.t === 'float' ? `(\`${c.c}\` + 0e0)` : `\`${c.c}\``)).join(', ');
  await db.conn.query('SET SESSION character_set_results = binary');
  try {
    const [rows] = await db.conn.query({
      sql: `SELECT ${sel} FROM \`${table}\``,
      rowsAsArray: true,
      typeCast: false,
    });
    return (rows as unknown as (Buffer | null)[][])
      .map((r) => r.map((v) => (v === null ? 'NULL' : `${v.length}:${v.toString('hex')}`)).join('|'))
      .sort();
  } finally {
    await db.conn.query('SET NAMES utf8mb4');
  }
}

/** SHOW CREATE TABLE text (AUTO_INCREMENT included: it must carry over). */
export async function showCreate(db: TestDb, table: string): Promise<string> {
  const [rows] = await db.conn.query<mysql.RowDataPacket[]>(`SHOW CREATE TABLE \`${table}\``);
  const r = rows[0] as Row;
  return String(r['Create Table'] ?? r['Create View']).replace(new RegExp(`\`${db.name}\`\\.`, 'g'), '');
}

/** Column definitions as information_schema reports them (type, charset, collation, nullability, default, generation). */
export async function columnDefs(db: TestDb): Promise<Row[]> {
  const [rows] = await db.conn.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, IS_NULLABLE,
            COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, COLUMN_KEY
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [db.name],
  );
  return rows.map((r) => ({ ...r }));
}

export async function objectNames(db: TestDb): Promise<Row> {
  const q = async (sql: string) =>
    (await db.conn.query<mysql.RowDataPacket[]>(sql, [db.name]))[0]
      .map((r) => Object.values(r).join(':'))
      .sort();
  return {
    tables: await q(`SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`),
    triggers: await q(
      `SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, EVENT_MANIPULATION, ACTION_TIMING, ACTION_ORDER FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?`,
    ),
    routines: await q(
      `SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?`,
    ),
  };
}

export async function tableNames(db: TestDb): Promise<string[]> {
  const [rows] = await db.conn.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1`,
    [db.name],
  );
  return rows.map((r) => String(r.t));
}

export async function scalarOf(db: TestDb, sql: string, values: unknown[] = []): Promise<unknown> {
  const [rows] = await db.conn.query({ sql, rowsAsArray: true }, values);
  return (rows as unknown[][])[0]?.[0];
}
