// `copyPostgres`: one PostgreSQL database into another, streamed, under one snapshot, read-only on
// the source, URLs rewritten in flight. Order: pre-data schema → rows (N parallel COPY streams,
// largest first; a big table split into block ranges so every job shares it) → sequences →
// post-data (indexes, constraints, triggers; N parallel builds) → mark done. Each table is verified
// as it lands (row counts of both COPY ends; checksums on request).
//
// Partitioned tables: each leaf partition is copied on its own (COPY into the leaf the pre-data step
// already attached), so partitions are spread over the jobs and rows are never re-routed.
// Table filters (include/exclude) choose which tables' ROWS are copied; the schema always comes
// whole, so views, functions and foreign keys keep their targets (an excluded table arrives empty).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CopyOptions, CopyReport, TableReport } from '../types.js';
import { RailcloneError, ValidationError } from '../../util/errors.js';
import { createLogger } from '../../util/log.js';
import { CopyAbortedError, throwIfAborted } from '../common/abort.js';
import { resolveCopyOptions } from '../common/options.js';
import { runPool } from '../common/pool.js';
import { createTableProgress, type TableProgress } from '../common/progress.js';
import { buildReport } from '../common/report.js';
import { chunkCount, ctidChunks, splitPays, type Chunk } from '../common/split.js';
import {
  assertDifferentDatabases,
  describeEndpoint,
  parseDatabaseUrl,
  type ServerIdentity,
} from '../common/same-target.js';
import { createMasker } from '../mask/index.js';
import { createRewriter, escapedForms, shouldRewriteColumn } from '../rewrite/index.js';
import { listTables, populatedMatviews, readSequences, type TableInfo } from './catalog.js';
import { closeClient, connect, literal, NO_COMMIT_WAIT, qualified, type PgClient } from './connect.js';
import { needlesFor } from './copy-stream.js';
import { detectPgTools, dumpSchema, findPgTools, restoreSection } from './pg-tools.js';
import {
  copyBatch,
  copyPart,
  displayName,
  finishTable,
  type PartResult,
  type TableCopyContext,
} from './table-copy.js';
import { lockTarget, prepareTarget, writeMark } from './target-state.js';

const log = createLogger('db-copy:postgres');

/** Which server and database this session is on, and the server's major version: one round trip. */
async function identity(c: PgClient): Promise<ServerIdentity & { major: number }> {
  // system_identifier needs pg_monitor or superuser on some servers; the postmaster start time is
  // readable by all and, with the port, tells two servers apart just as well.
  let sysid = '';
  try {
    const r = await c.query<{ s: string }>('SELECT system_identifier::text AS s FROM pg_control_system()');
    sysid = r.rows[0]?.s ?? '';
  } catch {
    /* not allowed: the start time below still identifies the server */
  }
  const r = await c.query<{ s: string; d: string; v: string }>(
    `SELECT pg_postmaster_start_time()::text || '/' || coalesce(inet_server_port(), 0) AS s, current_database() AS d,
            current_setting('server_version_num') AS v`,
  );
  return {
    server: `${sysid}/${r.rows[0]?.s}`,
    database: r.rows[0]?.d as string,
    major: Math.floor(Number(r.rows[0]?.v) / 10000),
  };
}

/** Below this much table data one session builds the post-data (pg_restore -j's workers cost more). */
const PARALLEL_POST_DATA_BYTES = 64 * 1024 * 1024;

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

  // Steps that do not wait on each other run side by side (a round trip saved is ~1 ms here and tens
  // of ms against a remote server): pg_dump's version check with the connections, the schema dump
  // with the target's preparation, the lanes' connections with the pre-data restore.
  const installed = detectPgTools();
  let coordinator: PgClient | undefined;
  let admin: PgClient | undefined;
  let lockSession: PgClient | undefined;
  const laneClients: PgClient[] = [];
  let marked = false;
  let failed = false;
  let workDir: string | undefined;
  try {
    // Whichever connected is closed below even if another failed.
    const [c, a, l] = await Promise.allSettled([
      connect(opts.source, 'source'),
      connect(opts.target, 'target'),
      connect(opts.target, 'target'),
    ]);
    if (c.status === 'fulfilled') coordinator = c.value;
    if (a.status === 'fulfilled') admin = a.value;
    if (l.status === 'fulfilled') lockSession = l.value;
    for (const r of [c, a, l]) if (r.status === 'rejected') throw r.reason;
    if (!coordinator || !admin || !lockSession) throw new RailcloneError('ConnectionFailed', 'no connection');
    const [si, ti] = await Promise.all([identity(coordinator), identity(admin)]);
    assertDifferentDatabases(sourceEp, targetEp, { source: si, target: ti });
    const tools = await findPgTools(si.major, installed);
    await lockTarget(lockSession, ti.database, opts.signal);

    const prepared = (async (target: PgClient) => {
      await prepareTarget(target, o.replaceTarget, describeEndpoint(targetEp));
      await writeMark(target, 'in progress', `from ${describeEndpoint(sourceEp)}`);
      marked = true;
    })(admin);
    // One snapshot for everything: held open by the coordinator until the last reader is done. The
    // schema is read once, in it; its archive holds no data and is deleted at the end.
    const schemaFile = (async (source: PgClient) => {
      await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snap = await source.query<{ s: string }>('SELECT pg_export_snapshot() AS s');
      const snapshot = snap.rows[0]?.s as string;
      workDir = await mkdtemp(join(tmpdir(), 'railclone-pg-'));
      const file = join(workDir, 'schema.dump');
      const [, all] = await Promise.all([
        dumpSchema({ tools, source: opts.source, snapshot, file, signal: stop.signal }),
        listTables(source),
      ]);
      return { snapshot, file, all };
    })(coordinator);
    // The first to fail stops the other (a refused target kills the dump); the refusal is the error
    // reported, not the dump it cut short.
    const stopOnFailure = <T>(step: Promise<T>) =>
      step.catch((err: unknown) => {
        stop.abort(err);
        throw err;
      });
    const [p, d] = await Promise.allSettled([stopOnFailure(prepared), stopOnFailure(schemaFile)]);
    if (p.status === 'rejected') throw p.reason;
    if (d.status === 'rejected') throw d.reason;
    const { snapshot, file, all } = d.value;
    // A partition is taken when its own name or its partitioned table's name passes the filter.
    const tables = all.filter((t) =>
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
    phase('setup and schema dump');

    const split = o.splitTables ?? splitPays([sourceEp.host, targetEp.host], o.jobs);
    if (o.splitTables === undefined && !split)
      log.debug(`not splitting tables: both servers are on this machine, too few cores for ${o.jobs} lanes`);
    const jobs = planJobs(tables, o.jobs, split);
    const lanes = openLanes(opts, snapshot, Math.min(o.jobs, Math.max(jobs.length, 1)), laneClients);
    const restore = (section: 'pre-data' | 'post-data', restoreJobs: number) =>
      restoreSection({ tools, target: opts.target, file, section, jobs: restoreJobs, signal: stop.signal });
    const [restored, opened] = await Promise.allSettled([restore('pre-data', 1), lanes]);
    if (restored.status === 'rejected') throw restored.reason;
    if (opened.status === 'rejected') throw opened.reason;
    throwIfAborted(stop.signal);
    phase('pre-data');

    const binary = o.binaryCopy && si.major === ti.major;
    const reports = await copyTables(opts, o, opened.value, tables, jobs, stop, binary);
    // The lanes are done: their sessions end before the index builds start.
    await Promise.all(laneClients.splice(0).map((client) => closeClient(client)));
    phase('data');

    const sequences = await readSequences(coordinator);
    if (sequences.length > 0) {
      const set = sequences.map(
        (s) => `setval(${literal(qualified(s.schema, s.name))}::regclass, ${s.lastValue}, ${s.isCalled})`,
      );
      await admin.query(`SELECT ${set.join(', ')}`);
    }
    const dataBytes = tables.reduce((n, t) => n + t.sizeBytes, 0);
    await restore('post-data', dataBytes >= PARALLEL_POST_DATA_BYTES ? o.jobs : 1);
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
    failed = true;
    const error =
      stop.signal.aborted && opts.signal?.aborted ? new CopyAbortedError(opts.signal.reason) : err;
    if (marked && admin)
      await writeMark(admin, 'failed', (error as Error).message ?? String(error)).catch(() => {});
    throw error;
  } finally {
    opts.signal?.removeEventListener('abort', onCallerAbort);
    // A connection cut mid-COPY cannot be ended politely; the server rolls its transaction back.
    await Promise.all(laneClients.map((client) => closeClient(client, failed)));
    await closeClient(coordinator);
    await closeClient(admin);
    // Last: the next copy into this target starts once everything of this one is closed.
    await closeClient(lockSession);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}

/** One job of the pool: a whole table, one chunk of a split one, or a batch of small tables. */
type Job = { table: TableInfo; chunk?: Chunk } | { batch: TableInfo[] };

interface TableState {
  progress: TableProgress;
  parts: PartResult[];
  left: number;
  startedAt: number;
}

/** A table below this is batched with others (copyBatch): its fixed costs outweigh its rows. */
export const BATCH_TABLE_BYTES = 1024 * 1024;
/** A batch ends at this many tables or bytes, so the lanes still share the small tables. */
const BATCH_MAX_TABLES = 50;
const BATCH_MAX_BYTES = 8 * 1024 * 1024;

/** Whole tables, the chunks of split ones and batches of small ones, largest first. */
function planJobs(tables: TableInfo[], jobs: number, split: boolean): Job[] {
  const total = tables.reduce((n, t) => n + t.sizeBytes, 0);
  const out: { job: Job; size: number }[] = [];
  const small = tables.filter((t) => t.sizeBytes < BATCH_TABLE_BYTES);
  for (const table of tables) {
    if (small.length > 1 && table.sizeBytes < BATCH_TABLE_BYTES) continue;
    const n = split ? chunkCount(table.sizeBytes, total, jobs) : 1;
    if (n < 2) out.push({ job: { table }, size: table.sizeBytes });
    else
      for (const chunk of ctidChunks(table.pages, n))
        out.push({ job: { table, chunk }, size: table.sizeBytes / n });
  }
  if (small.length > 1) {
    // Enough batches that every lane gets some of the small tables.
    const perBatch = Math.max(1, Math.min(BATCH_MAX_TABLES, Math.ceil(small.length / jobs)));
    let batch: TableInfo[] = [];
    let bytes = 0;
    const close = () => {
      if (batch.length > 0) out.push({ job: { batch }, size: bytes });
      batch = [];
      bytes = 0;
    };
    for (const t of small) {
      if (batch.length >= perBatch || bytes + t.sizeBytes > BATCH_MAX_BYTES) close();
      batch.push(t);
      bytes += t.sizeBytes;
    }
    close();
  }
  return out.sort((a, b) => b.size - a.size).map((j) => j.job);
}

/** A lane's two sessions: the source in the copy's snapshot, the target without commit waits. */
interface Lane {
  source: PgClient;
  target: PgClient;
}

/** Opens `count` lanes side by side (each connection a round trip or two and a fork on the server). */
function openLanes(opts: CopyOptions, snapshot: string, count: number, clients: PgClient[]): Promise<Lane[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const source = await connect(opts.source, 'source');
      clients.push(source);
      const target = await connect(opts.target, 'target');
      clients.push(target);
      await Promise.all([
        target.query(`SET ${NO_COMMIT_WAIT.name} = ${NO_COMMIT_WAIT.value}`),
        source.query(
          `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT ${literal(snapshot)}`,
        ),
      ]);
      return { source, target };
    }),
  );
}

/** The job pool over the lanes; each table verified as it lands, reports in completion order. */
async function copyTables(
  opts: CopyOptions,
  o: ReturnType<typeof resolveCopyOptions>,
  lanes: Lane[],
  tables: TableInfo[],
  jobs: Job[],
  stop: AbortController,
  binary: boolean,
): Promise<TableReport[]> {
  const rewriter =
    o.rewrite.length > 0 || o.rewriteHosts.length > 0
      ? createRewriter(o.rewrite, { hosts: o.rewriteHosts })
      : undefined;
  const needles = rewriter ? needlesFor(o.rewrite, escapedForms) : [];
  const masker = o.mask ? await createMasker(o.mask) : undefined;
  const state = new Map<TableInfo, TableState>();
  for (const t of tables) {
    const parts = jobs.filter((j) => ('batch' in j ? j.batch.includes(t) : j.table === t)).length;
    state.set(t, {
      progress: createTableProgress(opts.onProgress, displayName(t), t.estimatedRows, undefined, parts),
      parts: [],
      left: parts,
      startedAt: 0,
    });
  }
  const split = jobs.flatMap((j) => ('chunk' in j && j.chunk?.index === 1 ? [j] : []));
  if (split.length > 0)
    log.info(
      `split: ${split.map((j) => `${displayName(j.table)} into ${j.chunk?.count} chunks`).join(', ')}`,
    );

  const contexts: TableCopyContext[] = lanes.map(({ source, target }) => ({
    source,
    target,
    ...(rewriter ? { rewriter } : {}),
    needles,
    rewritable: (table, column) => shouldRewriteColumn(table, column, o.skipColumns),
    ...(masker ? { masker } : {}),
    checksums: o.checksums,
    binary,
    signal: stop.signal,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  }));
  const results = await runPool(
    jobs,
    contexts.map((ctx) => async (job: Job): Promise<TableReport[]> => {
      if ('batch' in job) {
        const items = job.batch.map((table) => ({
          table,
          progress: (state.get(table) as TableState).progress,
        }));
        const reports = await copyBatch(ctx, items);
        reports.forEach((r, i) => items[i]?.progress.done(r.rows, r.bytes));
        return reports;
      }
      const st = state.get(job.table) as TableState;
      if (st.startedAt === 0) st.startedAt = Date.now();
      st.parts.push(await copyPart(ctx, job.table, st.progress, job.chunk));
      if (job.chunk) st.progress.chunkDone();
      if (--st.left > 0) return [];
      const report = await finishTable(ctx, job.table, st.parts, st.startedAt);
      st.progress.done(report.rows, report.bytes);
      return [report];
    }),
    stop,
  );
  const reports = results.flat();
  const missing = tables.filter((t) => !reports.some((r) => r.table === displayName(t)));
  if (missing.length > 0) {
    throw new RailcloneError('CopyIncomplete', `tables not copied: ${missing.map(displayName).join(', ')}`);
  }
  return reports;
}
