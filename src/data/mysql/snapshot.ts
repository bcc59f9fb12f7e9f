// One consistent snapshot shared by several source sessions.
//
// MySQL and MariaDB cannot export a snapshot to another session (PostgreSQL's pg_export_snapshot).
// The mydumper technique: stop commits for a moment, start a `WITH CONSISTENT SNAPSHOT` transaction
// in every worker, allow commits again. No commit can land between two workers' snapshots, so they
// all see the same data. How commits are stopped, least intrusive first:
//
// 1. MariaDB ≥ 10.4.1 `BACKUP STAGE START … BLOCK_DDL … BLOCK_COMMIT`: writes keep running, only
//    DDL (while the table definitions are read) and then commits (for the few ms the workers need
//    to start) wait. Needs RELOAD, which the Railway root user has.
// 2. `FLUSH TABLES WITH READ LOCK` (MySQL, older MariaDB): blocks every write for those few ms, and
//    first waits for running statements. Needs RELOAD.
// 3. `LOCK TABLES t1 READ, …` on the copied tables only: needs just LOCK TABLES + SELECT; writers to
//    those tables wait. Consistent for the copied tables, which is all that is read.
// 4. None permitted: a single session copies every table in one snapshot (consistent, not parallel).
//
// Non-transactional tables (MyISAM, Aria) are consistent only under 1-3, as with mydumper.
import type { Logger } from '../../util/log.js';
import type { Connection } from './connect.js';
import { closeQuietly, errno, ident, query } from './connect.js';

export type SnapshotMethod =
  'backup-stage' | 'flush-tables-with-read-lock' | 'lock-tables' | 'single-session';

export interface Snapshot<S> {
  method: SnapshotMethod;
  /** The sessions that hold the snapshot; fewer than asked for when the single-session fallback was used. */
  workers: Connection[];
  schema: S;
}

export interface SnapshotOptions<S> {
  isMariaDb: boolean;
  version: string;
  tables: string[];
  /** Read the table definitions while DDL is blocked (under 1-3). */
  readSchema: () => Promise<S>;
  /** Tests force a method; the default tries 1 → 4 in order. */
  methods?: SnapshotMethod[];
  log: Logger;
}

// ER_SPECIFIC_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR
const DENIED = new Set([1227, 1044, 1142, 1045]);
// ER_LOCK_WAIT_TIMEOUT: the lock was not granted in time.
const LOCK_WAIT_TIMEOUT = 1205;
/**
 * How long the coordinator may wait for a global or table lock. While FLUSH TABLES WITH READ LOCK or
 * LOCK TABLES waits behind a long query, production's writes queue behind it: give up quickly and
 * take the next, less intrusive method instead of stalling the source.
 */
const LOCK_WAIT_SECONDS = 5;

export async function startSnapshotTransaction(conn: Connection): Promise<void> {
  await query(conn, 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await query(conn, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
}

function supportsBackupStage(isMariaDb: boolean, version: string): boolean {
  if (!isMariaDb) return false;
  const [maj = 0, min = 0, patch = 0] = version.split(/[.-]/).map((n) => Number(n));
  return maj > 10 || (maj === 10 && (min > 4 || (min === 4 && patch >= 1)));
}

export async function openSnapshot<S>(
  coord: Connection,
  workers: Connection[],
  o: SnapshotOptions<S>,
): Promise<Snapshot<S>> {
  const [first] = workers;
  if (!first) throw new Error('openSnapshot needs at least one worker session');
  const single = async (): Promise<Snapshot<S>> => {
    await startSnapshotTransaction(first);
    return { method: 'single-session', workers: [first], schema: await o.readSchema() };
  };
  if (workers.length === 1) return single();

  const candidates =
    o.methods ??
    ([
      ...(supportsBackupStage(o.isMariaDb, o.version) ? ['backup-stage'] : []),
      'flush-tables-with-read-lock',
      'lock-tables',
    ] as SnapshotMethod[]);
  const startAll = () => Promise.all(workers.map(startSnapshotTransaction));

  await query(coord, `SET SESSION lock_wait_timeout = ${LOCK_WAIT_SECONDS}`);
  for (const method of candidates) {
    if (method === 'single-session') break;
    try {
      if (method === 'backup-stage') await query(coord, 'BACKUP STAGE START');
      else if (method === 'flush-tables-with-read-lock') await query(coord, 'FLUSH TABLES WITH READ LOCK');
      else await query(coord, `LOCK TABLES ${o.tables.map((t) => `${ident(t)} READ`).join(', ')}`);
    } catch (err) {
      if (errno(err) === LOCK_WAIT_TIMEOUT) {
        o.log.warn(
          `snapshot: ${method} not granted within ${LOCK_WAIT_SECONDS} s (a long query holds the tables); trying the next method so the source is not stalled`,
        );
        continue;
      }
      if (!DENIED.has(errno(err) ?? 0)) throw err;
      // Normal for a non-root database user; only the last resort (one session) deserves a warning.
      o.log.info(
        `snapshot: ${method} not permitted for the source user (${(err as Error).message}); trying the next method`,
      );
      continue;
    }
    try {
      let schema: S;
      if (method === 'backup-stage') {
        await query(coord, 'BACKUP STAGE BLOCK_DDL');
        schema = await o.readSchema();
        await query(coord, 'BACKUP STAGE BLOCK_COMMIT');
        await startAll();
      } else {
        schema = await o.readSchema();
        await startAll();
      }
      return { method, workers, schema };
    } finally {
      await query(coord, method === 'backup-stage' ? 'BACKUP STAGE END' : 'UNLOCK TABLES');
      await query(coord, 'SET SESSION lock_wait_timeout = 120');
    }
  }
  o.log.warn(
    'snapshot: the source user may not use BACKUP STAGE, FLUSH TABLES WITH READ LOCK or LOCK TABLES; ' +
      'copying with one session (consistent, but not parallel). Grant RELOAD or LOCK TABLES for parallel copies.',
  );
  await Promise.all(workers.slice(1).map((w) => closeQuietly(w)));
  return single();
}
