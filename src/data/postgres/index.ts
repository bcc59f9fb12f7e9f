// `copyPostgres`: one PostgreSQL database into another, streamed, under one snapshot, read-only on
// the source, URLs rewritten in flight. Order: pre-data schema → rows (N parallel COPY streams,
// largest tables first) → sequences → post-data (indexes, constraints, triggers) → verify → mark done.
//
// Partitioned tables: each leaf partition is copied on its own (COPY into the leaf the pre-data step
// already attached), so partitions are spread over the jobs and rows are never re-routed.
// Table filters (include/exclude) choose which tables' ROWS are copied; the schema always comes
// whole, so views, functions and foreign keys keep their targets (an excluded table arrives empty).
import type { CopyOptions, CopyReport, TableReport } from '../types.js';
import { RailcloneError, ValidationError } from '../../util/errors.js';
import { createLogger } from '../../util/log.js';
import { CopyAbortedError, throwIfAborted } from '../common/abort.js';
import { resolveCopyOptions } from '../common/options.js';
import { buildReport } from '../common/report.js';
import {
  assertDifferentDatabases,
  describeEndpoint,
  parseDatabaseUrl,
  type ServerIdentity,
} from '../common/same-target.js';
import { createMasker } from '../mask/index.js';
import { createRewriter, escapedForms, shouldRewriteColumn } from '../rewrite/index.js';
import { listTables, populatedMatviews, readSequences, type TableInfo } from './catalog.js';
import { closeClient, connect, literal, qualified, type PgClient } from './connect.js';
import { needlesFor } from './copy-stream.js';
import { applySchemaSection, findPgTools } from './pg-tools.js';
import { copyTable, displayName, type TableCopyContext } from './table-copy.js';
import { lockTarget, prepareTarget, writeMark } from './target-state.js';

const log = createLogger('db-copy:postgres');

async function identity(c: PgClient): Promise<ServerIdentity> {
  // system_identifier needs pg_monitor or superuser on some servers; the postmaster start time is
  // readable by all and, with the port, tells two servers apart just as well.
  let sysid = '';
  try {
    const r = await c.query<{ s: string }>('SELECT system_identifier::text AS s FROM pg_control_system()');
    sysid = r.rows[0]?.s ?? '';
  } catch {
    /* not allowed: the start time below still identifies the server */
  }
  const r = await c.query<{ s: string; d: string }>(
    `SELECT pg_postmaster_start_time()::text || '/' || coalesce(inet_server_port(), 0) AS s, current_database() AS d`,
  );
  return { server: `${sysid}/${r.rows[0]?.s}`, database: r.rows[0]?.d as string };
}

async function serverMajor(c: PgClient): Promise<number> {
  const r = await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  return Math.floor(Number(r.rows[0]?.v) / 10000);
}

export async function copyPostgres(opts: CopyOptions): Promise<CopyReport> {
  const started = Date.now();
  const o = resolveCopyOptions(opts);
  const sourceEp = parseDatabaseUrl(opts.source, 'source');
  const targetEp = parseDatabaseUrl(opts.target, 'target');
  for (const [field, ep] of [
    ['source', sourceEp],
    ['target', targetEp],
  ] as const) {
    if (ep.engine !== 'postgres') {
      throw new ValidationError(
        field,
        `${field} must be a postgres:// or postgresql:// URL for the PostgreSQL engine`,
        {
          provided: `${ep.engine}://`,
        },
      );
    }
  }
  assertDifferentDatabases(sourceEp, targetEp);
  throwIfAborted(opts.signal);

  // Internal abort: the caller's signal, or the first failing worker stops every stream.
  const stop = new AbortController();
  const onCallerAbort = () => stop.abort(new CopyAbortedError(opts.signal?.reason));
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });

  let coordinator: PgClient | undefined;
  let admin: PgClient | undefined;
  let marked = false;
  try {
    coordinator = await connect(opts.source, 'source');
    admin = await connect(opts.target, 'target');
    const [si, ti] = await Promise.all([identity(coordinator), identity(admin)]);
    assertDifferentDatabases(sourceEp, targetEp, { source: si, target: ti });
    const tools = await findPgTools(await serverMajor(coordinator));

    await lockTarget(admin);
    await prepareTarget(admin, o.replaceTarget, describeEndpoint(targetEp));
    await writeMark(admin, 'in progress', `from ${describeEndpoint(sourceEp)}`);
    marked = true;

    // One snapshot for everything: held open by the coordinator until the last reader is done.
    await coordinator.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snap = await coordinator.query<{ s: string }>('SELECT pg_export_snapshot() AS s');
    const snapshot = snap.rows[0]?.s as string;
    // A partition is taken when its own name or its partitioned table's name passes the filter.
    const tables = (await listTables(coordinator)).filter((t) =>
      o.filter(
        t.name,
        `${t.schema}.${t.name}`,
        t.partitionOf.map((p) => ({ table: p.name, qualified: `${p.schema}.${p.name}` })),
      ),
    );
    log.info(
      `copying ${tables.length} tables from ${describeEndpoint(sourceEp)} to ${describeEndpoint(targetEp)} with ${o.jobs} jobs`,
    );

    const phase = (name: string) => log.debug(`${name} done at ${Date.now() - started} ms`);
    phase('setup');
    await applySchemaSection({
      tools,
      source: opts.source,
      target: opts.target,
      snapshot,
      section: 'pre-data',
      signal: stop.signal,
    });
    throwIfAborted(stop.signal);
    phase('pre-data');

    const reports = await copyTables(opts, o, snapshot, tables, stop);

    phase('data');
    const sequences = await readSequences(coordinator);
    for (const s of sequences) {
      const rel = qualified(s.schema, s.name);
      await admin.query(`SELECT setval(${literal(rel)}::regclass, ${s.lastValue}, ${s.isCalled})`);
    }
    await applySchemaSection({
      tools,
      source: opts.source,
      target: opts.target,
      snapshot,
      section: 'post-data',
      signal: stop.signal,
    });
    phase('sequences and post-data');
    // Materialized views are data to pg_dump: refreshed on the target as pg_restore would (so a stale
    // source view arrives fresh); creation order covers views on views.
    for (const m of await populatedMatviews(coordinator)) {
      throwIfAborted(stop.signal);
      await admin.query(`REFRESH MATERIALIZED VIEW ${qualified(m.schema, m.name)}`);
    }
    await coordinator.query('COMMIT');
    throwIfAborted(stop.signal);

    const size = await admin.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
    await writeMark(admin, 'done', `from ${describeEndpoint(sourceEp)}`);
    const report = buildReport('postgres', reports, Date.now() - started, Number(size.rows[0]?.n ?? 0));
    log.info(
      `copied ${report.totalRows} rows, ${report.totalBytes} bytes in ${report.durationMs} ms (${report.mbPerSec} MB/s)`,
    );
    return report;
  } catch (err) {
    const error =
      stop.signal.aborted && opts.signal?.aborted ? new CopyAbortedError(opts.signal.reason) : err;
    if (marked && admin)
      await writeMark(admin, 'failed', (error as Error).message ?? String(error)).catch(() => {});
    throw error;
  } finally {
    opts.signal?.removeEventListener('abort', onCallerAbort);
    await closeClient(coordinator);
    await closeClient(admin);
  }
}

/** N workers, each with its own source (in the snapshot) and target connection, pull tables largest first. */
async function copyTables(
  opts: CopyOptions,
  o: ReturnType<typeof resolveCopyOptions>,
  snapshot: string,
  tables: TableInfo[],
  stop: AbortController,
): Promise<TableReport[]> {
  const rewriter =
    o.rewrite.length > 0 || o.rewriteHosts.length > 0
      ? createRewriter(o.rewrite, { hosts: o.rewriteHosts })
      : undefined;
  const needles = rewriter ? needlesFor(o.rewrite, escapedForms) : [];
  const masker = o.mask ? createMasker(o.mask) : undefined;
  const queue = [...tables];
  const reports: TableReport[] = [];
  const workers = Math.min(o.jobs, Math.max(tables.length, 1));
  let firstError: unknown;

  const worker = async () => {
    let source: PgClient | undefined;
    let target: PgClient | undefined;
    let failed = false;
    try {
      source = await connect(opts.source, 'source');
      target = await connect(opts.target, 'target');
      await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await source.query(`SET TRANSACTION SNAPSHOT ${literal(snapshot)}`);
      const ctx: TableCopyContext = {
        source,
        target,
        ...(rewriter ? { rewriter } : {}),
        needles,
        rewritable: (table, column) => shouldRewriteColumn(table, column, o.skipColumns),
        ...(masker ? { masker } : {}),
        checksums: o.checksums,
        signal: stop.signal,
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      };
      for (let t = queue.shift(); t && !stop.signal.aborted; t = queue.shift()) {
        reports.push(await copyTable(ctx, t));
      }
    } catch (err) {
      failed = true;
      if (!stop.signal.aborted) {
        firstError = err;
        stop.abort(err);
      }
    } finally {
      // A connection cut mid-COPY cannot be ended politely; the server rolls its transaction back.
      await closeClient(source, failed);
      await closeClient(target, failed);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  if (stop.signal.aborted) {
    throw firstError ?? (stop.signal.reason instanceof Error ? stop.signal.reason : new CopyAbortedError());
  }
  const missing = tables.filter((t) => !reports.some((r) => r.table === displayName(t)));
  if (missing.length > 0) {
    throw new RailcloneError('CopyIncomplete', `tables not copied: ${missing.map(displayName).join(', ')}`);
  }
  return reports;
}
