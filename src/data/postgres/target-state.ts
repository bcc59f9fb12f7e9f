// The target's state across runs, kept in the database comment (no extra object in the user's schemas):
//   "railclone: copy in progress …" while copying (also what a crash leaves behind),
//   "railclone: copy failed …" after an error, "railclone: copy done …" after success.
// A target marked in progress or failed by railclone holds a half copy, so a re-run may replace it.
import { RailcloneError } from '../../util/errors.js';
import { acquireCopyLock, copyLockKey } from '../common/target-lock.js';
import { createLogger } from '../../util/log.js';
import { redact } from '../../util/secrets.js';
import { ident, literal, type PgClient } from './connect.js';
import { SYSTEM_SCHEMA_FILTER, notExtensionMember } from './catalog.js';

const log = createLogger('db-copy:postgres');
export const MARK_PREFIX = 'railclone: copy';
const REPLACEABLE = [`${MARK_PREFIX} in progress`, `${MARK_PREFIX} failed`];
/**
 * The copy lock on `lock`, a session of its own on the target: a session advisory lock keyed by the
 * database name, so a second copy into it waits here; the lock goes with the session.
 */
export async function lockTarget(lock: PgClient, database: string, signal?: AbortSignal): Promise<void> {
  const key = copyLockKey(database);
  await lock.query(`SET lock_timeout = '2s'`);
  await acquireCopyLock(
    database,
    {
      tryLock: async () =>
        (await lock.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${key}) AS ok`)).rows[0]?.ok === true,
      waitLock: async () => {
        try {
          await lock.query(`SELECT pg_advisory_lock(${key})`);
          return true;
        } catch (err) {
          if ((err as { code?: string }).code === '55P03') return false; // lock_timeout
          throw err;
        }
      },
    },
    log,
    signal,
  );
}

export async function readMark(target: PgClient): Promise<string | null> {
  const { rows } = await target.query<{ c: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = current_database()`,
  );
  return rows[0]?.c ?? null;
}

/** Writes the status comment; a target we do not own only loses the marker, not the copy. */
export async function writeMark(
  target: PgClient,
  status: 'in progress' | 'failed' | 'done',
  detail: string,
): Promise<void> {
  // The comment is readable by every user of the database: no secret may land in it.
  const text = redact(
    `${MARK_PREFIX} ${status} at ${new Date().toISOString()}${detail ? `: ${detail}` : ''}`,
  ).slice(0, 1000);
  try {
    await target.query(`COMMENT ON DATABASE ${ident(await currentDatabase(target))} IS ${literal(text)}`);
  } catch (err) {
    log.warn(
      `could not mark the target database (${(err as Error).message}); a re-run will need --replace-target`,
    );
  }
}

async function currentDatabase(c: PgClient): Promise<string> {
  const { rows } = await c.query<{ d: string }>('SELECT current_database() AS d');
  return rows[0]?.d as string;
}

export interface TargetContents {
  tables: string[];
  otherObjects: number;
  schemas: string[];
}

export async function inspectTarget(target: PgClient): Promise<TargetContents> {
  const tables = await target.query<{ t: string }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${SYSTEM_SCHEMA_FILTER} AND ${notExtensionMember('c.oid', 'pg_class')}
     ORDER BY 1`);
  const others = await target.query<{ n: string }>(`
    SELECT (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE ${SYSTEM_SCHEMA_FILTER} AND ${notExtensionMember('p.oid', 'pg_proc')})
         + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typtype IN ('e', 'd', 'r', 'm') AND ${SYSTEM_SCHEMA_FILTER} AND ${notExtensionMember('t.oid', 'pg_type')})
         + (SELECT count(*) FROM pg_extension e WHERE e.extname <> 'plpgsql') AS n`);
  const schemas = await target.query<{ s: string }>(`
    SELECT n.nspname AS s FROM pg_namespace n WHERE ${SYSTEM_SCHEMA_FILTER} ORDER BY 1`);
  return {
    tables: tables.rows.map((r) => r.t),
    otherObjects: Number(others.rows[0]?.n ?? 0),
    schemas: schemas.rows.map((r) => r.s),
  };
}

export function isReplaceableMark(mark: string | null): boolean {
  return mark !== null && REPLACEABLE.some((p) => mark.startsWith(p));
}

/**
 * Refuses a non-empty target unless `replaceTarget` or a railclone mark says it holds a half copy;
 * then drops every user schema (public is recreated with its owner and grants).
 */
export async function prepareTarget(
  target: PgClient,
  replaceTarget: boolean,
  describe: string,
): Promise<void> {
  const contents = await inspectTarget(target);
  const empty = contents.tables.length === 0 && contents.otherObjects === 0;
  if (empty) return;
  const mark = await readMark(target);
  if (!replaceTarget && !isReplaceableMark(mark)) {
    const shown = contents.tables.slice(0, 5).join(', ');
    throw new RailcloneError(
      'TargetNotEmpty',
      `refusing to copy into ${describe}: the target database is not empty (${contents.tables.length} tables, views or sequences${shown ? `: ${shown}${contents.tables.length > 5 ? ', …' : ''}` : ''}${contents.otherObjects ? `, ${contents.otherObjects} other objects` : ''}); pass --replace-target (replaceTarget) to drop its contents first`,
      { tables: contents.tables.length, otherObjects: contents.otherObjects },
    );
  }
  log.info(`replacing the target's contents (${replaceTarget ? 'replaceTarget' : `marked: ${mark}`})`);
  await dropUserSchemas(target, contents.schemas);
}

async function dropUserSchemas(target: PgClient, schemas: string[]): Promise<void> {
  const pub = await target.query<{ owner: string; acl: string[] | null }>(
    `SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text[] AS acl FROM pg_namespace WHERE nspname = 'public'`,
  );
  const grants = await target.query<{ grantee: string; privilege: string }>(`
    SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee, a.privilege_type AS privilege
      FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'public'`);
  await target.query('BEGIN');
  try {
    for (const s of schemas) await target.query(`DROP SCHEMA ${ident(s)} CASCADE`);
    // Extensions in the dropped schemas went with them; any left (e.g. in pg_catalog) would clash with pre-data.
    const ext = await target.query<{ e: string }>(
      `SELECT extname AS e FROM pg_extension WHERE extname <> 'plpgsql'`,
    );
    for (const e of ext.rows) await target.query(`DROP EXTENSION IF EXISTS ${ident(e.e)} CASCADE`);
    const owner = pub.rows[0]?.owner;
    await target.query(`CREATE SCHEMA IF NOT EXISTS public${owner ? ` AUTHORIZATION ${ident(owner)}` : ''}`);
    if (pub.rows[0]?.acl) {
      await target.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
      for (const g of grants.rows)
        await target.query(`GRANT ${g.privilege} ON SCHEMA public TO ${g.grantee}`);
    }
    await target.query('COMMIT');
  } catch (err) {
    await target.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
