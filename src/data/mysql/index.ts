// `copyMysql`: a MySQL/MariaDB database into another, streamed, under one snapshot, rewritten in flight.
//
// Phases, each a function below: connect and check → target cleared/marked → snapshot (+ table
// definitions) → later schema read → tables created (big MariaDB tables without their secondary
// keys) → data over the shared job pool, largest first, big tables split by primary-key ranges,
// keys added per table after its rows → triggers, views, routines → marker dropped. See ./snapshot.ts for how the parallel sessions share one snapshot, and
// ./load-format.ts / ./insert-writer.ts for how bytes stay exact.
import { randomUUID } from 'node:crypto';
import { RailcloneError } from '../../util/errors.js';
import { createLogger } from '../../util/log.js';
import {
  CopyAbortedError,
  assertDifferentDatabases,
  buildReport,
  describeEndpoint,
  parseDatabaseUrl,
  resolveCopyOptions,
  throwIfAborted,
} from '../common/index.js';
import { createMasker } from '../mask/index.js';
import { createRewriter, shouldRewriteColumn } from '../rewrite/index.js';
import { runPool } from '../common/pool.js';
import { createTableProgress, type TableProgress } from '../common/progress.js';
import { chunkCount, keyRangeChunks, type Chunk } from '../common/split.js';
import { createValueRewrite } from './rewrite-values.js';
import type { CopyOptions, CopyReport, TableReport } from '../types.js';
import { integerKey, readCatalog, type Catalog, type TableInfo } from './catalog.js';
import { deferSecondaryKeys, referencedTables } from './keys.js';
import {
  closeQuietly,
  connect,
  connectionOptions,
  errno,
  hardClose,
  ident,
  query,
  scalar,
  type Connection,
} from './connect.js';
import {
  createViews,
  createWithMode,
  showCreateRoutine,
  showCreateTable,
  showCreateTrigger,
  showCreateView,
  type CreateStatement,
} from './ddl.js';
import { initSourceSession, initTargetSession, TARGET_SQL_MODE } from './sessions.js';
import { openSnapshot, type SnapshotMethod } from './snapshot.js';
import {
  copyPart,
  finishTable,
  unlessStopped,
  type LoadMethod,
  type PartResult,
  type TableCopyContext,
} from './table-copy.js';
import {
  assertTargetUsable,
  clearTarget,
  inspectTarget,
  isEmpty,
  lockTarget,
  markDone,
  markFailed,
  markRunning,
} from './target.js';

export type { LoadMethod } from './table-copy.js';
export type { SnapshotMethod } from './snapshot.js';

/** Knobs for tests and benchmarks; production callers use `copyMysql`. */
export interface MysqlCopyInternals {
  /** Default: LOAD DATA LOCAL when the target allows local_infile, else INSERT batches. */
  loadMethod?: LoadMethod;
  /** Default: backup-stage (MariaDB) → flush-tables-with-read-lock → lock-tables → single-session. */
  snapshotMethods?: SnapshotMethod[];
  insertBatchBytes?: number;
  loadChunkRows?: number;
  loadChunkBytes?: number;
  /** Called with what was chosen, before the data moves. */
  onPlan?: (plan: {
    snapshot: SnapshotMethod;
    load: LoadMethod;
    workers: number;
    tables: string[];
  }) => void | Promise<void>;
}

const log = createLogger('db-copy:mysql');

export function copyMysql(opts: CopyOptions): Promise<CopyReport> {
  return copyMysqlWith(opts, {});
}

export async function copyMysqlWith(opts: CopyOptions, internals: MysqlCopyInternals): Promise<CopyReport> {
  const started = Date.now();
  const o = resolveCopyOptions(opts);
  const srcEnd = parseDatabaseUrl(opts.source, 'source');
  const dstEnd = parseDatabaseUrl(opts.target, 'target');
  const srcOpts = connectionOptions(opts.source, 'source');
  const dstOpts = connectionOptions(opts.target, 'target');
  assertDifferentDatabases(srcEnd, dstEnd);
  throwIfAborted(opts.signal);

  // Every connection is tracked so an abort or a failure can cut them all at once.
  // `stop` fires on abort or on the first failure: every wait on a connection ends at once
  // (mysql2 never calls back for a connection whose socket was destroyed).
  const open = new Set<Connection>();
  const stop = new AbortController();
  let aborted = false;
  const destroyAll = () => {
    stop.abort();
    for (const c of open) hardClose(c);
  };
  const onAbort = () => {
    aborted = true;
    destroyAll();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const connectTracked = async (which: 'source' | 'target'): Promise<Connection> => {
    const c = await connect(which === 'source' ? srcOpts : dstOpts);
    open.add(c);
    if (aborted) c.destroy();
    return c;
  };

  // The copy lock's session: not in `open`, so it is closed last, after a failure is recorded.
  let lockSession: Connection | undefined;
  let targetMarked = false;
  const markTarget = () => {
    targetMarked = true;
  };
  try {
    return await unlessStopped(run(), stop.signal);
  } catch (err) {
    destroyAll();
    open.clear();
    const final =
      aborted || opts.signal?.aborted ? new CopyAbortedError(opts.signal?.reason) : wrapError(err);
    if (targetMarked) await recordFailure(dstOpts, final.message);
    throw final;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all([...open].map((c) => closeQuietly(c)));
    await closeQuietly(lockSession);
  }

  async function run(): Promise<CopyReport> {
    const start = await connectAndCheck(connectTracked, srcEnd, dstEnd, internals);
    lockSession = await connect(dstOpts);
    if (aborted) hardClose(lockSession);
    await lockTarget(lockSession, log, opts.signal);
    await prepareTarget(start.tmeta, o.replaceTarget, dstEnd, srcEnd);
    markTarget();
    throwIfAborted(opts.signal);
    const snap = await takeSnapshot(start, connectTracked, o, internals);
    const later = await readLaterSchema(start.coord, snap.catalog);
    const deferred = await createTables(start, snap, o.deferKeys);
    throwIfAborted(opts.signal);
    const reports = await copyData(snap, deferred, start.loadMethod, o, internals, opts, stop.signal);
    for (const s of snap.sources) await query(s, 'COMMIT');
    await createLaterSchema(start.tmeta, later, opts);
    await markDone(start.tmeta);
    targetMarked = false;
    const size = Number(
      (await scalar(
        start.tmeta,
        'SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
      )) ?? 0,
    );
    const report = buildReport('mysql', reports, Date.now() - started, size);
    log.info(
      `copied ${report.totalRows} rows, ${report.totalBytes} bytes in ${report.durationMs} ms (${report.mbPerSec} MB/s)`,
    );
    return report;
  }
}

type ConnectTracked = (which: 'source' | 'target') => Promise<Connection>;

interface Start {
  coord: Connection;
  tmeta: Connection;
  version: string;
  isMariaDb: boolean;
  loadMethod: LoadMethod;
}

/** Phase 1: the two control connections, the same-database check, server kind, load method. */
async function connectAndCheck(
  connectTracked: ConnectTracked,
  srcEnd: ReturnType<typeof parseDatabaseUrl>,
  dstEnd: ReturnType<typeof parseDatabaseUrl>,
  internals: MysqlCopyInternals,
): Promise<Start> {
  const [coord, tmeta] = await Promise.all([connectTracked('source'), connectTracked('target')]);
  await assertNotSameDatabase(coord, tmeta, srcEnd, dstEnd);
  await Promise.all([initSourceSession(coord, false), initTargetSession(tmeta)]);
  const version = String(await scalar(coord, 'SELECT VERSION()'));
  const localInfile = Number(await scalar(tmeta, 'SELECT @@GLOBAL.local_infile')) === 1;
  const loadMethod: LoadMethod = internals.loadMethod ?? (localInfile ? 'load-data' : 'insert');
  if (!localInfile && loadMethod === 'insert') {
    log.warn(
      'target has local_infile=OFF: loading with multi-row INSERTs (slower; set local_infile=ON for LOAD DATA)',
    );
  }
  return { coord, tmeta, version, isMariaDb: /mariadb/i.test(version), loadMethod };
}

/** Phase 2: refuse a target in use, or clear the remains of an earlier copy; then mark it running. */
async function prepareTarget(
  tmeta: Connection,
  replaceTarget: boolean,
  dstEnd: ReturnType<typeof parseDatabaseUrl>,
  srcEnd: ReturnType<typeof parseDatabaseUrl>,
): Promise<void> {
  const contents = await inspectTarget(tmeta);
  assertTargetUsable(contents, replaceTarget, describeEndpoint(dstEnd));
  if (!isEmpty(contents)) {
    log.info(
      `${contents.unfinishedCopy ? 'target holds an unfinished copy' : 'replaceTarget'}: dropping ${contents.tables.length} tables, ` +
        `${contents.views.length} views, ${contents.routines.length} routines in ${describeEndpoint(dstEnd)}`,
    );
    await clearTarget(tmeta, contents);
  }
  await markRunning(tmeta, describeEndpoint(srcEnd));
}

interface Snap {
  method: SnapshotMethod;
  /** Source sessions in the snapshot, one per lane, and their target connections. */
  sources: Connection[];
  targets: Connection[];
  catalog: Catalog;
  ddl: CreateStatement[];
}

/** Phase 3: the worker sessions, the shared snapshot, and the table definitions as of it. */
async function takeSnapshot(
  start: Start,
  connectTracked: ConnectTracked,
  o: ReturnType<typeof resolveCopyOptions>,
  internals: MysqlCopyInternals,
): Promise<Snap> {
  const { coord } = start;
  const pick = (c: Catalog): Catalog => ({
    ...c,
    tables: c.tables.filter((t) => o.filter(t.name)),
    views: c.views.filter((v) => o.filter(v)),
  });
  const first = pick(await readCatalog(coord));
  const workerCount = Math.max(1, Math.min(o.jobs, first.tables.length));
  // Opened side by side: each costs a handshake and a few session statements.
  const pairs = await Promise.all(
    Array.from({ length: workerCount }, async () => {
      const [s, t] = await Promise.all([connectTracked('source'), connectTracked('target')]);
      await Promise.all([initSourceSession(s, true), initTargetSession(t)]);
      return { s, t };
    }),
  );
  // Table definitions are read while DDL is blocked, so they match the snapshot's rows.
  const firstNames = new Set(first.tables.map((t) => t.name));
  const snap = await openSnapshot(
    coord,
    pairs.map((p) => p.s),
    {
      isMariaDb: start.isMariaDb,
      version: start.version,
      tables: [...firstNames],
      methods: internals.snapshotMethods,
      log,
      readSchema: async () => {
        const cat = pick(await readCatalog(coord));
        const tables = cat.tables.filter((t) => firstNames.has(t.name));
        // Over every source session side by side: on some methods the source's writes wait until
        // this is done, and it is a round trip a table.
        const ddl: CreateStatement[] = new Array(tables.length);
        await runPool(
          tables.map((t, i) => ({ name: t.name, i })),
          [coord, ...pairs.map((p) => p.s)].map(
            (session) =>
              async ({ name, i }: { name: string; i: number }) => {
                ddl[i] = await showCreateTable(session, name);
              },
          ),
          new AbortController(),
        );
        return { catalog: { ...cat, tables }, ddl };
      },
    },
  );
  const { catalog, ddl } = snap.schema;
  log.info(
    `snapshot: ${snap.method}, ${snap.workers.length} session(s); load: ${start.loadMethod}; ${catalog.tables.length} tables, ` +
      `${catalog.views.length} views, ${catalog.triggers.length} triggers, ${catalog.routines.length} routines`,
  );
  if (catalog.unsupported.length > 0)
    log.warn(`not copied (unsupported object types): ${catalog.unsupported.join(', ')}`);
  await internals.onPlan?.({
    snapshot: snap.method,
    load: start.loadMethod,
    workers: snap.workers.length,
    tables: catalog.tables.map((t) => t.name),
  });
  return {
    method: snap.method,
    sources: snap.workers,
    targets: pairs.filter((p) => snap.workers.includes(p.s)).map((p) => p.t),
    catalog,
    ddl,
  };
}

interface LaterSchema {
  triggers: CreateStatement[];
  views: CreateStatement[];
  routines: CreateStatement[];
}

/** Phase 4: views, triggers and routines as of now (the snapshot does not version them). */
async function readLaterSchema(coord: Connection, catalog: Catalog): Promise<LaterSchema> {
  const copied = new Set(catalog.tables.map((t) => t.name));
  const triggers: CreateStatement[] = [];
  for (const tr of catalog.triggers)
    if (copied.has(tr.table)) triggers.push(await showCreateTrigger(coord, tr.name));
  const views: CreateStatement[] = [];
  for (const v of catalog.views) views.push(await showCreateView(coord, v));
  const routines: CreateStatement[] = [];
  for (const r of catalog.routines) routines.push(await showCreateRoutine(coord, r.type, r.name));
  return { triggers, views, routines };
}

/** A table big enough for its secondary keys to be built after the load rather than during it. */
const DEFER_KEYS_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Phase 5: the tables, created over the lanes' target sessions. Returns, per table whose
 * secondary keys were left out (MariaDB, big InnoDB tables), the ALTER that adds them after its rows.
 */
async function createTables(start: Start, snap: Snap, deferKeys: boolean): Promise<Map<string, string>> {
  await copyDatabaseDefaults(start.coord, start.tmeta);
  const deferred = new Map<string, string>();
  const referenced = referencedTables(snap.ddl.map((d) => d.sql));
  const sizes = new Map(snap.catalog.tables.map((t) => [t.name, t.estimatedBytes]));
  const creates = snap.ddl.map((t) => {
    const big = (sizes.get(t.name) ?? 0) >= DEFER_KEYS_MIN_BYTES;
    const d =
      deferKeys && start.isMariaDb && big
        ? deferSecondaryKeys(t.sql, ident(t.name), referenced.has(t.name))
        : null;
    if (d) deferred.set(t.name, d.addKeys);
    return d ? d.create : t.sql;
  });
  // Over the lanes' target sessions side by side (foreign keys are not checked there, so any order
  // works): 241 tables of a multisite 0.55–0.59 s on one session, 0.41–0.48 s on two.
  await runPool(
    creates,
    snap.targets.map((target) => (sql: string) => query(target, sql)),
    new AbortController(),
  );
  if (deferred.size > 0) log.info(`secondary keys built after the rows: ${[...deferred.keys()].join(', ')}`);
  return deferred;
}

interface Job {
  table: TableInfo;
  chunk?: Chunk;
}

/**
 * Whole tables and the key-range chunks of big ones with a single integer primary key, largest
 * first. The key's bounds are read in the snapshot (an index lookup at each end).
 */
async function planJobs(snap: Snap, jobs: number, split: boolean): Promise<Job[]> {
  const tables = snap.catalog.tables;
  const total = tables.reduce((n, t) => n + t.estimatedBytes, 0);
  const reader = snap.sources[0] as Connection;
  const out: { job: Job; size: number }[] = [];
  for (const table of tables) {
    const key = integerKey(table);
    const n = split && key && snap.sources.length > 1 ? chunkCount(table.estimatedBytes, total, jobs) : 1;
    if (n < 2 || !key) {
      out.push({ job: { table }, size: table.estimatedBytes });
      continue;
    }
    const [row] = await query<unknown[][]>(reader, {
      sql: `SELECT MIN(${ident(key)}), MAX(${ident(key)}) FROM ${ident(table.name)}`,
      rowsAsArray: true,
      typeCast: false,
    });
    const [min, max] = (row ?? []).map((v) => (v == null ? null : BigInt(String(v))));
    if (min == null || max == null) {
      out.push({ job: { table }, size: table.estimatedBytes });
      continue;
    }
    const chunks = keyRangeChunks(ident(key), min, max, n);
    for (const chunk of chunks)
      out.push({ job: { table, chunk }, size: table.estimatedBytes / chunks.length });
  }
  return out
    .sort((a, b) => b.size - a.size || b.job.table.estimatedRows - a.job.table.estimatedRows)
    .map((j) => j.job);
}

/** Phase 6: the rows, over the shared job pool, one lane per snapshot session. */
async function copyData(
  snap: Snap,
  deferred: Map<string, string>,
  method: LoadMethod,
  o: ReturnType<typeof resolveCopyOptions>,
  internals: MysqlCopyInternals,
  opts: CopyOptions,
  stop: AbortSignal,
): Promise<TableReport[]> {
  const rewriter =
    o.rewrite.length > 0 || o.rewriteHosts.length > 0
      ? createRewriter(o.rewrite, { hosts: o.rewriteHosts })
      : undefined;
  // The pool's own controller: the first failing lane cuts the others' streams at once.
  const pool = new AbortController();
  const onStop = () => pool.abort(new Error('copy stopped'));
  if (stop.aborted) onStop();
  stop.addEventListener('abort', onStop, { once: true });
  const masker = o.mask ? await createMasker(o.mask) : undefined;
  const ctx: TableCopyContext = {
    method,
    ...(masker ? { masker } : {}),
    ...(rewriter && !rewriter.isNoop
      ? { rewrite: createValueRewrite(rewriter, rewriter.searchStrings) }
      : {}),
    rewritable: (table, c) => shouldRewriteColumn(table, c.name, o.skipColumns),
    checksums: o.checksums,
    insertBatchBytes: internals.insertBatchBytes ?? 1024 * 1024,
    loadChunkRows: internals.loadChunkRows ?? 50_000,
    loadChunkBytes: internals.loadChunkBytes ?? 16 * 1024 * 1024,
    onProgress: opts.onProgress,
    stop: pool.signal,
  };
  const jobs = await planJobs(snap, o.jobs, o.splitTables !== false);
  const split = jobs.filter((j) => j.chunk?.index === 1);
  if (split.length > 0)
    log.info(`split: ${split.map((j) => `${j.table.name} into ${j.chunk?.count} key ranges`).join(', ')}`);
  const state = new Map<
    TableInfo,
    { progress: TableProgress; parts: PartResult[]; left: number; startedAt: number }
  >();
  for (const t of snap.catalog.tables) {
    const parts = jobs.filter((j) => j.table === t).length;
    state.set(t, {
      progress: createTableProgress(opts.onProgress, t.name, t.estimatedRows || undefined, undefined, parts),
      parts: [],
      left: parts,
      startedAt: 0,
    });
  }
  try {
    const results = await runPool(
      jobs,
      snap.sources.map((src, i) => {
        const dst = snap.targets[i] as Connection;
        return async (job: Job): Promise<TableReport | undefined> => {
          const st = state.get(job.table) as NonNullable<ReturnType<typeof state.get>>;
          if (st.startedAt === 0) st.startedAt = Date.now();
          try {
            st.parts.push(await copyPart(src, dst, job.table, ctx, st.progress, job.chunk));
            if (job.chunk) st.progress.chunkDone();
            if (--st.left > 0) return undefined;
            const addKeys = deferred.get(job.table.name);
            const report = await finishTable(src, dst, job.table, st.parts, ctx, {
              startedAt: st.startedAt,
              ...(addKeys ? { addKeys } : {}),
            });
            st.progress.done(report.rows, report.bytes);
            return report;
          } catch (err) {
            throw wrapError(err, job.table.name);
          }
        };
      }),
      pool,
    );
    return results.filter((r): r is TableReport => r !== undefined);
  } finally {
    stop.removeEventListener('abort', onStop);
  }
}

/** Phase 7: triggers (after the rows, so they did not fire), views (views on views), routines. */
async function createLaterSchema(tmeta: Connection, later: LaterSchema, opts: CopyOptions): Promise<void> {
  for (const tr of later.triggers) await createWithMode(tmeta, tr, TARGET_SQL_MODE);
  const missing = await createViews(tmeta, later.views);
  if (missing.length > 0) {
    const msg = `views not created: ${missing.map((m) => `${m.name} (${m.error})`).join('; ')}`;
    if (opts.include?.length || opts.exclude?.length)
      log.warn(`${msg} — they read tables the filters left out`);
    else throw new RailcloneError('CopyFailed', msg, { views: missing.map((m) => m.name) });
  }
  for (const r of later.routines) await createWithMode(tmeta, r, TARGET_SQL_MODE);
}

/** Same server (a user lock taken on the target is visible from the source) and same database → refuse. */
async function assertNotSameDatabase(
  src: Connection,
  dst: Connection,
  srcEnd: ReturnType<typeof parseDatabaseUrl>,
  dstEnd: ReturnType<typeof parseDatabaseUrl>,
): Promise<void> {
  const probe = `railclone-${randomUUID()}`;
  await scalar(dst, 'SELECT GET_LOCK(?, 0)', [probe]);
  let same: boolean;
  try {
    same = (await scalar(src, 'SELECT IS_USED_LOCK(?)', [probe])) != null;
  } finally {
    await scalar(dst, 'SELECT RELEASE_LOCK(?)', [probe]);
  }
  const [srcDb, dstDb] = [
    String(await scalar(src, 'SELECT DATABASE()')),
    String(await scalar(dst, 'SELECT DATABASE()')),
  ];
  assertDifferentDatabases(srcEnd, dstEnd, {
    source: { server: 'source', database: srcDb },
    target: { server: same ? 'source' : 'target', database: dstDb },
  });
}

/** Default charset/collation of the database, for objects created without one (routine parameters). */
async function copyDatabaseDefaults(src: Connection, dst: Connection): Promise<void> {
  const rows = await query<{ cs: string; co: string }[]>(
    src,
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
  );
  const r = rows[0];
  if (!r) return;
  try {
    await query(dst, `ALTER DATABASE CHARACTER SET ${String(r.cs)} COLLATE ${String(r.co)}`);
  } catch (err) {
    log.warn(
      `could not set the target database default charset to ${String(r.cs)}/${String(r.co)}: ${(err as Error).message}`,
    );
  }
}

function wrapError(err: unknown, table?: string): RailcloneError {
  if (err instanceof RailcloneError) return err;
  const e = err as { message?: string; code?: string; sqlState?: string };
  return new RailcloneError(
    'CopyFailed',
    `MySQL copy failed${table ? ` on table ${table}` : ''}: ${e?.message ?? String(err)}`,
    {
      ...(table ? { table } : {}),
      ...(errno(err) ? { errno: errno(err), code: e.code, sqlState: e.sqlState } : {}),
    },
    { cause: err },
  );
}

/** Best effort, on a fresh connection (the copy's own ones were cut). */
async function recordFailure(dstOpts: Parameters<typeof connect>[0], message: string): Promise<void> {
  let c: Connection | undefined;
  try {
    c = await connect(dstOpts);
    await markFailed(c, message);
  } catch (err) {
    log.warn(`could not record the failure in the target: ${(err as Error).message}`);
  } finally {
    await closeQuietly(c);
  }
}
