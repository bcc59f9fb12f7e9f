// `copyMysql`: a MySQL/MariaDB database into another, streamed, under one snapshot, rewritten in flight.
//
// Order: safety checks → target cleared/marked → snapshot (+ table definitions) → tables created →
// data, largest tables first, `jobs` in parallel → triggers → views (views on views) → routines →
// marker dropped. See ./snapshot.ts for how the parallel sessions share one snapshot, and
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
import { createValueRewrite } from './rewrite-values.js';
import type { CopyOptions, CopyReport, TableReport } from '../types.js';
import { readCatalog, type Catalog, type TableInfo } from './catalog.js';
import {
  closeQuietly,
  connect,
  connectionOptions,
  errno,
  hardClose,
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
import { copyTable, unlessStopped, type LoadMethod } from './table-copy.js';
import {
  assertTargetUsable,
  clearTarget,
  inspectTarget,
  isEmpty,
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
  }

  async function run(): Promise<CopyReport> {
    const coord = await connectTracked('source');
    const tmeta = await connectTracked('target');
    await assertNotSameDatabase(coord, tmeta, srcEnd, dstEnd);
    await initSourceSession(coord, false);
    await initTargetSession(tmeta);

    const version = String(await scalar(coord, 'SELECT VERSION()'));
    const isMariaDb = /mariadb/i.test(version);
    const localInfile = Number(await scalar(tmeta, 'SELECT @@GLOBAL.local_infile')) === 1;
    const loadMethod: LoadMethod = internals.loadMethod ?? (localInfile ? 'load-data' : 'insert');
    if (!localInfile && loadMethod === 'insert') {
      log.warn(
        'target has local_infile=OFF: loading with multi-row INSERTs (slower; set local_infile=ON for LOAD DATA)',
      );
    }

    // Target: refuse, or clear, then mark as running.
    const contents = await inspectTarget(tmeta);
    assertTargetUsable(contents, o.replaceTarget, describeEndpoint(dstEnd));
    if (!isEmpty(contents)) {
      log.info(
        `${contents.unfinishedCopy ? 'target holds an unfinished copy' : 'replaceTarget'}: dropping ${contents.tables.length} tables, ` +
          `${contents.views.length} views, ${contents.routines.length} routines in ${describeEndpoint(dstEnd)}`,
      );
      await clearTarget(tmeta, contents);
    }
    await markRunning(tmeta, describeEndpoint(srcEnd));
    markTarget();
    throwIfAborted(opts.signal);

    const pick = (c: Catalog): Catalog => ({
      ...c,
      tables: c.tables.filter((t) => o.filter(t.name)),
      views: c.views.filter((v) => o.filter(v)),
    });
    const first = pick(await readCatalog(coord));
    const workerCount = Math.max(1, Math.min(o.jobs, first.tables.length));
    const sources: Connection[] = [];
    const targets: Connection[] = [];
    for (let i = 0; i < workerCount; i++) {
      const s = await connectTracked('source');
      await initSourceSession(s, true);
      sources.push(s);
      const t = await connectTracked('target');
      await initTargetSession(t);
      targets.push(t);
    }

    // Table definitions are read while DDL is blocked, so they match the snapshot's rows.
    const firstNames = new Set(first.tables.map((t) => t.name));
    const snap = await openSnapshot(coord, sources, {
      isMariaDb,
      version,
      tables: [...firstNames],
      methods: internals.snapshotMethods,
      log,
      readSchema: async () => {
        const cat = pick(await readCatalog(coord));
        const tables = cat.tables.filter((t) => firstNames.has(t.name));
        const ddl: CreateStatement[] = [];
        for (const t of tables) ddl.push(await showCreateTable(coord, t.name));
        return { catalog: { ...cat, tables }, ddl };
      },
    });
    const { catalog, ddl } = snap.schema;
    log.info(
      `snapshot: ${snap.method}, ${snap.workers.length} session(s); load: ${loadMethod}; ${catalog.tables.length} tables, ` +
        `${catalog.views.length} views, ${catalog.triggers.length} triggers, ${catalog.routines.length} routines`,
    );
    if (catalog.unsupported.length > 0)
      log.warn(`not copied (unsupported object types): ${catalog.unsupported.join(', ')}`);
    await internals.onPlan?.({
      snapshot: snap.method,
      load: loadMethod,
      workers: snap.workers.length,
      tables: catalog.tables.map((t) => t.name),
    });

    // The rest of the schema, as of now (views, triggers and routines are not versioned by the snapshot).
    const copied = new Set(catalog.tables.map((t) => t.name));
    const triggers: CreateStatement[] = [];
    for (const tr of catalog.triggers)
      if (copied.has(tr.table)) triggers.push(await showCreateTrigger(coord, tr.name));
    const views: CreateStatement[] = [];
    for (const v of catalog.views) views.push(await showCreateView(coord, v));
    const routines: CreateStatement[] = [];
    for (const r of catalog.routines) routines.push(await showCreateRoutine(coord, r.type, r.name));

    await copyDatabaseDefaults(coord, tmeta);
    for (const t of ddl) await query(tmeta, t.sql);
    throwIfAborted(opts.signal);

    const rewriter =
      o.rewrite.length > 0 || o.rewriteHosts.length > 0
        ? createRewriter(o.rewrite, { hosts: o.rewriteHosts })
        : undefined;
    const masker = o.mask ? createMasker(o.mask) : undefined;
    const reports = await copyAllTables(catalog.tables, snap.workers, targets, {
      method: loadMethod,
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
      stop: stop.signal,
    });
    for (const s of snap.workers) await query(s, 'COMMIT');

    for (const tr of triggers) await createWithMode(tmeta, tr, TARGET_SQL_MODE);
    const missing = await createViews(tmeta, views);
    if (missing.length > 0) {
      const msg = `views not created: ${missing.map((m) => `${m.name} (${m.error})`).join('; ')}`;
      if (opts.include?.length || opts.exclude?.length)
        log.warn(`${msg} — they read tables the filters left out`);
      else throw new RailcloneError('CopyFailed', msg, { views: missing.map((m) => m.name) });
    }
    for (const r of routines) await createWithMode(tmeta, r, TARGET_SQL_MODE);

    await markDone(tmeta);
    targetMarked = false;
    const size = Number(
      (await scalar(
        tmeta,
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

async function copyAllTables(
  tables: TableInfo[],
  sources: Connection[],
  targets: Connection[],
  ctx: Parameters<typeof copyTable>[3],
): Promise<TableReport[]> {
  const queue = [...tables].sort(
    (a, b) => b.estimatedBytes - a.estimatedBytes || b.estimatedRows - a.estimatedRows,
  );
  const reports: TableReport[] = [];
  await Promise.all(
    sources.map(async (src, i) => {
      const dst = targets[i] as Connection;
      for (let t = queue.shift(); t; t = queue.shift()) {
        try {
          reports.push(await copyTable(src, dst, t, ctx));
        } catch (err) {
          queue.length = 0;
          throw err instanceof RailcloneError ? err : wrapError(err, t.name);
        }
      }
    }),
  );
  return reports;
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
