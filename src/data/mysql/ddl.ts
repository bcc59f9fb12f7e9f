// Schema objects as the server prints them (SHOW CREATE …), made creatable by the target user.
import type { Connection } from './connect.js';
import { errno, ident, query } from './connect.js';

export interface CreateStatement {
  name: string;
  sql: string;
  /** The sql_mode the object was created under (triggers, routines): it changes how the body runs. */
  sqlMode?: string;
}

type Row = Record<string, unknown>;
const text = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v ?? ''));

// A user or host in DEFINER=…@…: quoted with ` ' or ", or bare.
const PART = '(?:`(?:[^`]|``)*`|\'(?:[^\'\\\\]|\\\\.|\'\')*\'|"(?:[^"]|"")*"|[A-Za-z0-9_.$%-]+)';
const DEFINER = new RegExp(
  `^(\\s*CREATE(?:\\s+OR\\s+REPLACE)?(?:\\s+ALGORITHM\\s*=\\s*\\w+)?)\\s+DEFINER\\s*=\\s*(?:CURRENT_USER(?:\\s*\\(\\s*\\))?|${PART}(?:\\s*@\\s*${PART})?)`,
  'i',
);

/**
 * Drops the DEFINER clause from a CREATE VIEW/TRIGGER/PROCEDURE/FUNCTION header, so the object is
 * owned by whoever creates it (the target user rarely exists on, or may not impersonate, the source's definer).
 */
export function stripDefiner(sql: string): string {
  return sql.replace(DEFINER, '$1');
}

async function showCreate(
  conn: Connection,
  sql: string,
  field: string,
  name: string,
): Promise<CreateStatement> {
  const rows = await query<Row[]>(conn, sql);
  const row = rows[0];
  const body = row?.[field];
  if (row === undefined || body === null || body === undefined) {
    throw new Error(`${sql} returned no definition (the source user may lack the privilege to read ${name})`);
  }
  return {
    name,
    sql: stripDefiner(text(body)),
    ...(row.sql_mode !== undefined ? { sqlMode: text(row.sql_mode) } : {}),
  };
}

export const showCreateTable = (c: Connection, t: string) =>
  showCreate(c, `SHOW CREATE TABLE ${ident(t)}`, 'Create Table', t);
export const showCreateView = (c: Connection, v: string) =>
  showCreate(c, `SHOW CREATE VIEW ${ident(v)}`, 'Create View', v);
export const showCreateTrigger = (c: Connection, t: string) =>
  showCreate(c, `SHOW CREATE TRIGGER ${ident(t)}`, 'SQL Original Statement', t);
export const showCreateRoutine = (c: Connection, type: 'PROCEDURE' | 'FUNCTION', r: string) =>
  showCreate(
    c,
    `SHOW CREATE ${type} ${ident(r)}`,
    type === 'PROCEDURE' ? 'Create Procedure' : 'Create Function',
    r,
  );

/** Runs a CREATE under the object's own sql_mode, then puts the session's back. */
export async function createWithMode(
  conn: Connection,
  stmt: CreateStatement,
  sessionMode: string,
): Promise<void> {
  if (stmt.sqlMode === undefined) {
    await query(conn, stmt.sql);
    return;
  }
  await query(conn, 'SET SESSION sql_mode = ?', [stmt.sqlMode]);
  try {
    await query(conn, stmt.sql);
  } finally {
    await query(conn, 'SET SESSION sql_mode = ?', [sessionMode]);
  }
}

const MISSING_BASE = new Set([1146 /* ER_NO_SUCH_TABLE */, 1356 /* ER_VIEW_INVALID */]);

/**
 * Views may read other views: create those whose bases exist, repeat until nothing is left or a
 * round makes no progress. Returns the views that could not be created, with the reason.
 */
export async function createViews(
  conn: Connection,
  views: CreateStatement[],
): Promise<{ name: string; error: string }[]> {
  let pending = views;
  for (;;) {
    const failed: { stmt: CreateStatement; error: unknown }[] = [];
    for (const v of pending) {
      try {
        await query(conn, v.sql);
      } catch (error) {
        if (!MISSING_BASE.has(errno(error) ?? 0)) throw error;
        failed.push({ stmt: v, error });
      }
    }
    if (failed.length === 0) return [];
    if (failed.length === pending.length) {
      return failed.map((f) => ({ name: f.stmt.name, error: (f.error as Error).message }));
    }
    pending = failed.map((f) => f.stmt);
  }
}
