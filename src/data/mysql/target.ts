// The target database: is it empty, clearing it, and the marker a running or failed copy leaves.
//
// Convention: while a copy runs, the target holds `_railclone_copy_status` (status 'running', then
// 'failed' with the error). A successful copy drops it. So a target holding that table is the
// remains of an unfinished copy and may be cleared without `replaceTarget`; any other non-empty
// target is refused unless `replaceTarget` is set.
import { RailcloneError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import { acquireCopyLock, copyLockName } from '../common/target-lock.js';
import { STATUS_TABLE } from './catalog.js';
import type { Connection } from './connect.js';
import { column, ident, query, scalar } from './connect.js';

export interface TargetContents {
  tables: string[];
  views: string[];
  routines: { name: string; type: string }[];
  events: string[];
  /** A previous copy into this target did not finish. */
  unfinishedCopy: boolean;
}

/**
 * The copy lock on `lock`, a session of its own on the target server: a user lock named after the
 * database, so a second copy into it waits here; the server releases it when the session ends.
 */
export async function lockTarget(lock: Connection, log: Logger, signal?: AbortSignal): Promise<void> {
  const database = String(await scalar(lock, 'SELECT DATABASE()'));
  const name = copyLockName(database);
  const take = async (seconds: number) =>
    Number(await scalar(lock, 'SELECT GET_LOCK(?, ?)', [name, seconds])) === 1;
  await acquireCopyLock(database, { tryLock: () => take(0), waitLock: () => take(2) }, log, signal);
}

export async function inspectTarget(conn: Connection): Promise<TargetContents> {
  const rows = await query<{ name: string; type: string }[]>(
    conn,
    `SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`,
  );
  const routines = await query<{ name: string; type: string }[]>(
    conn,
    `SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()`,
  );
  const events = await column<string>(
    conn,
    `SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()`,
  );
  return {
    tables: rows.filter((r) => r.type !== 'VIEW').map((r) => String(r.name)),
    views: rows.filter((r) => r.type === 'VIEW').map((r) => String(r.name)),
    routines: routines.map((r) => ({ name: String(r.name), type: String(r.type) })),
    events: events.map(String),
    unfinishedCopy: rows.some((r) => r.name === STATUS_TABLE),
  };
}

export function isEmpty(c: TargetContents): boolean {
  return c.tables.length + c.views.length + c.routines.length + c.events.length === 0;
}

/** Refuses a non-empty target unless it is allowed to be replaced or holds an unfinished copy. */
export function assertTargetUsable(c: TargetContents, replaceTarget: boolean, where: string): void {
  if (isEmpty(c) || replaceTarget || c.unfinishedCopy) return;
  const sample = [...c.tables, ...c.views].slice(0, 5);
  throw new RailcloneError(
    'TargetNotEmpty',
    `refusing to copy: the target database ${where} is not empty (${c.tables.length} tables, ${c.views.length} views, ` +
      `${c.routines.length} routines${sample.length ? `, e.g. ${sample.join(', ')}` : ''}); ` +
      'pass replaceTarget (--replace-target) to drop its contents first',
    {
      target: where,
      tables: c.tables.length,
      views: c.views.length,
      routines: c.routines.length,
      events: c.events.length,
    },
  );
}

/** Drops everything in the target database (foreign key checks are off in the session). */
export async function clearTarget(conn: Connection, c: TargetContents): Promise<void> {
  for (const v of c.views) await query(conn, `DROP VIEW IF EXISTS ${ident(v)}`);
  for (const t of c.tables) await query(conn, `DROP TABLE IF EXISTS ${ident(t)}`);
  for (const r of c.routines) {
    if (r.type === 'PROCEDURE' || r.type === 'FUNCTION')
      await query(conn, `DROP ${r.type} IF EXISTS ${ident(r.name)}`);
  }
  for (const e of c.events) await query(conn, `DROP EVENT IF EXISTS ${ident(e)}`);
}

export async function markRunning(conn: Connection, source: string): Promise<void> {
  await query(conn, `DROP TABLE IF EXISTS ${ident(STATUS_TABLE)}`);
  await query(
    conn,
    `CREATE TABLE ${ident(STATUS_TABLE)} (id TINYINT PRIMARY KEY, status VARCHAR(16) NOT NULL, source VARCHAR(512) NOT NULL,
       started_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, error TEXT NULL) DEFAULT CHARSET=utf8mb4`,
  );
  await query(
    conn,
    `INSERT INTO ${ident(STATUS_TABLE)} VALUES (1, 'running', ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), NULL)`,
    [source],
  );
}

export async function markFailed(conn: Connection, message: string): Promise<void> {
  await query(
    conn,
    `UPDATE ${ident(STATUS_TABLE)} SET status = 'failed', updated_at = UTC_TIMESTAMP(), error = ? WHERE id = 1`,
    [message.slice(0, 4000)],
  );
}

export async function markDone(conn: Connection): Promise<void> {
  await query(conn, `DROP TABLE IF EXISTS ${ident(STATUS_TABLE)}`);
}
