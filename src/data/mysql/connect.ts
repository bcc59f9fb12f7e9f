// mysql:// and mariadb:// URLs → mysql2 connections, plus a small promise wrapper over the callback
// API (the streaming query and LOAD DATA LOCAL need the core connection, not mysql2/promise).
import mysql from 'mysql2';
import type { Connection, ConnectionOptions, QueryOptions } from 'mysql2';
import { parseDatabaseUrl } from '../common/database-url.js';

export type { Connection } from 'mysql2';

/** Parses the URL; the password is registered as a secret before anything can print it. */
export function connectionOptions(url: string, field: string): ConnectionOptions {
  const u = parseDatabaseUrl(url, field, { engine: 'mysql' });
  const ssl = u.params.get('ssl') ?? u.params.get('sslmode');
  return {
    host: u.host || '127.0.0.1',
    port: u.port,
    user: u.user || 'root',
    password: u.password,
    database: u.database,
    // Identifiers and DDL travel as UTF-8; data sessions switch results to raw bytes themselves.
    charset: 'UTF8MB4_GENERAL_CI',
    // Values arrive as raw Buffers anyway (typeCast: false); these keep any metadata query exact.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    multipleStatements: false,
    connectTimeout: 20_000,
    flags: ['+LOCAL_FILES'],
    ...sslOption(ssl),
  };
}

// `?ssl=true|verify-full` verifies the server certificate; `?ssl=require` only encrypts (libpq's meaning).
function sslOption(ssl: string | null): Pick<ConnectionOptions, 'ssl'> {
  if (!ssl || /^(false|disable|disabled|0)$/i.test(ssl)) return {};
  return { ssl: { rejectUnauthorized: !/^(require|required|prefer|preferred)$/i.test(ssl) } };
}

export function connect(opts: ConnectionOptions): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const conn = mysql.createConnection(opts);
    conn.connect((err) => {
      if (err) {
        conn.destroy();
        reject(err);
      } else {
        // mysql2 emits on the connection only what no command's callback received: a drop while it
        // is idle (its next query then fails with "closed state"), or under a streaming SELECT, which
        // it does not tell. While a table copies, its StreamScope listens here too and fails the copy.
        conn.on('error', () => {});
        resolve(conn);
      }
    });
  });
}

/** One statement → its rows (or the OK packet). */
export function query<T = Record<string, unknown>[]>(
  conn: Connection,
  sql: string | QueryOptions,
  values?: unknown[],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cb = (err: unknown, rows: unknown) => (err ? reject(err) : resolve(rows as T));
    if (values === undefined) conn.query(sql as string, cb);
    else conn.query(sql as string, values, cb);
  });
}

/** First column of every row. */
export async function column<T = unknown>(conn: Connection, sql: string, values?: unknown[]): Promise<T[]> {
  const rows = await query<Record<string, unknown>[]>(conn, {
    sql,
    rowsAsArray: true,
    values,
  } as QueryOptions);
  return (rows as unknown as unknown[][]).map((r) => r[0] as T);
}

export async function scalar<T = unknown>(
  conn: Connection,
  sql: string,
  values?: unknown[],
): Promise<T | undefined> {
  return (await column<T>(conn, sql, values))[0];
}

export function closeQuietly(conn: Connection | undefined): Promise<void> {
  if (!conn) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      conn.destroy();
      resolve();
    }, 2000);
    conn.end(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Cuts the socket: the server sees the client gone and rolls back whatever statement was running. */
export function hardClose(conn: Connection): void {
  conn.destroy();
  (conn as unknown as { stream?: { destroy?: () => void } }).stream?.destroy?.();
}

/** `name` → `` `name` `` with backticks doubled. */
export function ident(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** A mysql error's numeric code, if it is one. */
export function errno(err: unknown): number | undefined {
  const n = (err as { errno?: unknown } | null)?.errno;
  return typeof n === 'number' ? n : undefined;
}
