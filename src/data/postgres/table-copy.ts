// One table, or one chunk of a split table: COPY TO STDOUT on the source (inside the snapshot) →
// COPY FROM STDIN on the target, relayed untouched (copy-relay.ts) or through CopyStream when rows
// change in flight. A whole table lands in one target transaction (TRUNCATE + COPY FREEZE: rows
// land frozen, nothing to vacuum later) — tables under 1 MiB several to a transaction, without
// FREEZE (copyBatch); the chunks of a split table land side by side in their own transactions
// (FREEZE needs the TRUNCATE in the same transaction, which would serialize them). Verified by the
// row counts both COPY ends report and the rows that went through railclone — no extra scans;
// checksums (optional) and ANALYZE once per table.
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import { RailcloneError } from '../../util/errors.js';
import type { ProgressListener } from '../../util/progress.js';
import type { TableProgress } from '../common/progress.js';
import type { Chunk } from '../common/split.js';
import type { MaskedColumn, Masker } from '../mask/index.js';
import type { TableReport } from '../types.js';
import type { TableInfo } from './catalog.js';
import { ident, qualified, type PgClient } from './connect.js';
import { CopyFramesOut, copyFramesIn } from './copy-relay.js';
import { CopyStream, type ValueRewriter } from './copy-stream.js';
import { createLogger } from '../../util/log.js';

const log = createLogger('db-copy:postgres');

export interface TableCopyContext {
  /** In `REPEATABLE READ READ ONLY` with the exported snapshot set. */
  source: PgClient;
  target: PgClient;
  rewriter?: ValueRewriter;
  needles: Buffer[];
  /** Decides per column whether the rewrite may touch it (skip lists, user_pass). */
  rewritable: (table: string, column: string) => boolean;
  /** Personal data masking; asked per table (or chunk) which columns it touches. */
  masker?: Masker;
  checksums: boolean;
  /** Both servers run the same major version: COPY binary may carry the binary-safe tables. */
  binary: boolean;
  signal: AbortSignal;
  onProgress?: ProgressListener;
}

/** What one COPY (a whole table or one chunk) moved. */
export interface PartResult {
  rows: number;
  bytes: number;
  rewritten: number;
  /** Column names the rewrite changed in this part (left out of the checksum). */
  rewrittenColumns: string[];
  /** Values masked in this part, and the masked columns (undefined when the table has none). */
  masked?: number;
  maskedColumns?: MaskedColumn[];
}

/** The name shown to people: bare in `public`, qualified elsewhere. */
export function displayName(t: Pick<TableInfo, 'schema' | 'name'>): string {
  return t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
}

/** Generated columns are computed again by the target. */
const copiedColumns = (t: TableInfo) => t.columns.filter((c) => !c.generated);

/**
 * `inBatch`: inside the caller's target transaction (copyBatch), which commits or rolls back; no
 * FREEZE. Otherwise a whole table gets a transaction of its own, a chunk none (top of the file).
 */
export async function copyPart(
  ctx: TableCopyContext,
  t: TableInfo,
  progress: TableProgress,
  chunk?: Chunk,
  inBatch = false,
): Promise<PartResult> {
  const name = displayName(t);
  const rel = qualified(t.schema, t.name);
  const cols = copiedColumns(t);
  const names = cols.map((c) => ident(c.name)).join(', ');
  const list = cols.length > 0 ? ` (${names})` : '';
  const rewriteColumns = ctx.rewriter
    ? cols.flatMap((c, i) => (c.textLike && ctx.rewritable(t.name, c.name) ? [i] : []))
    : [];
  const tableMasker = ctx.masker?.forTable(t.name, cols);
  // Nothing changed in flight: the frames are relayed untouched (copy-relay.ts), and in COPY binary,
  // less work for both servers than text (no output or input conversion of numbers, timestamps, …);
  // text for a type binary cannot carry or between major versions.
  const relay = rewriteColumns.length === 0 && !tableMasker;
  const binary = ctx.binary && relay && cols.every((c) => c.binarySafe);
  const format = binary ? 'FORMAT binary' : '';
  const whole = !chunk;
  /** This call opens, commits or rolls back the table's target transaction. */
  const own = whole && !inBatch;
  const options = [format, own ? 'FREEZE' : ''].filter(Boolean).join(', ');
  const fromSql = `COPY ${rel}${list} FROM STDIN${options ? ` WITH (${options})` : ''}`;
  const toSql = chunk
    ? `COPY (SELECT ${names} FROM ONLY ${rel} WHERE ${chunk.where}) TO STDOUT${binary ? ` (${format})` : ''}`
    : `COPY ${rel}${list} TO STDOUT${binary ? ` (${format})` : ''}`;
  const onData = (rows: number, bytes: number) => progress.add(rows, bytes);
  const relayed = relay ? new CopyFramesOut(toSql, { binary, onData }) : undefined;
  const stream = relayed
    ? undefined
    : new CopyStream({
        rewriteColumns,
        ...(tableMasker ? { masker: tableMasker } : {}),
        ...(ctx.rewriter ? { rewriter: ctx.rewriter } : {}),
        needles: ctx.needles,
        onData,
      });
  /** The rows and bytes that went through railclone, whichever way. */
  const through = (relayed ?? stream) as { rows: number; bytes: number };
  const what = chunk ? `table ${name} (chunk ${chunk.index}/${chunk.count})` : `table ${name}`;
  progress.started();
  log.debug(`${what}: COPY ${binary ? 'binary' : 'text'}${relay ? ', relayed' : ''}`);
  let from: ReturnType<typeof copyStreams.from>;
  let to: { rowCount: number };
  if (own) await ctx.target.query('BEGIN');
  try {
    if (own) await ctx.target.query(`TRUNCATE ONLY ${rel}`);
    if (relayed) {
      from = ctx.target.query(copyFramesIn(fromSql));
      to = ctx.source.query(relayed);
      await pipeline(relayed, from, { signal: ctx.signal });
    } else {
      from = ctx.target.query(copyStreams.from(fromSql));
      const out = ctx.source.query(copyStreams.to(toSql));
      to = out;
      await pipeline(out, stream as CopyStream, from, { signal: ctx.signal });
    }
    if (own) await ctx.target.query('COMMIT');
  } catch (err) {
    if (own) await ctx.target.query('ROLLBACK').catch(() => {});
    if (ctx.signal.aborted) throw err;
    throw new RailcloneError(
      'TableCopyFailed',
      `${what}: ${(err as Error).message}`,
      { table: name, ...(chunk ? { chunk: chunk.index } : {}) },
      { cause: err },
    );
  }
  // Both servers' own counts (the COPY command tags) and the rows that went through railclone.
  if (to.rowCount !== through.rows || from.rowCount !== through.rows) {
    throw new RailcloneError(
      'VerificationFailed',
      `${what}: row counts differ (source sent ${to.rowCount}, streamed ${through.rows}, target loaded ${from.rowCount})`,
      { table: name, sourceRows: to.rowCount, targetRows: from.rowCount, streamed: through.rows },
    );
  }
  const rewritten = stream?.rewritten ?? 0;
  return {
    rows: through.rows,
    bytes: through.bytes,
    rewritten,
    rewrittenColumns: [
      ...(rewritten > 0 ? rewriteColumns.map((i) => cols[i]?.name as string) : []),
      ...(tableMasker && tableMasker.masked > 0 ? tableMasker.columns.map((c) => c.column) : []),
    ],
    ...(tableMasker ? { masked: tableMasker.masked, maskedColumns: tableMasker.columns } : {}),
  };
}

/** After the table's last part: checksums when asked, planner statistics, the table's report. */
export async function finishTable(
  ctx: TableCopyContext,
  t: TableInfo,
  parts: PartResult[],
  startedAt: number,
  analyze = true,
): Promise<TableReport> {
  const name = displayName(t);
  const rel = qualified(t.schema, t.name);
  const sum = (k: 'rows' | 'bytes' | 'rewritten') => parts.reduce((n, p) => n + p[k], 0);
  if (ctx.checksums) {
    // Columns the rewrite changed differ by design; the rest must be identical.
    const rewritten = new Set(parts.flatMap((p) => p.rewrittenColumns));
    const compared = t.columns.filter((c) => !rewritten.has(c.name)).map((c) => ident(c.name));
    const sql = checksumSql(rel, compared);
    const [a, b] = await Promise.all([
      ctx.source.query<{ sum: string }>(sql),
      ctx.target.query<{ sum: string }>(sql),
    ]);
    if (a.rows[0]?.sum !== b.rows[0]?.sum) {
      throw new RailcloneError(
        'VerificationFailed',
        `table ${name}: checksums differ between source and target`,
        {
          table: name,
          columns: compared.length,
        },
      );
    }
  }
  // Planner statistics now, so the staging copy does not start with blind plans.
  if (analyze) await ctx.target.query(`ANALYZE ${rel}`);
  return {
    table: name,
    rows: sum('rows'),
    bytes: sum('bytes'),
    rewritten: sum('rewritten'),
    ...(parts[0]?.maskedColumns
      ? { masked: parts.reduce((n, p) => n + (p.masked ?? 0), 0), maskedColumns: parts[0].maskedColumns }
      : {}),
    durationMs: Date.now() - startedAt,
    verified: true,
  };
}

/**
 * Small whole tables in one target transaction with one ANALYZE and one commit, without FREEZE:
 * FREEZE needs a TRUNCATE in the same transaction, and TRUNCATE costs ~4.7 ms a table (a new empty
 * file for the table, its TOAST table and index; ANALYZE ~2.2 ms: 50 tables of a multisite measured
 * with psql), which on hundreds of tiny tables was most of the copy; a later VACUUM freezes a table
 * of a few pages in no time. Reports once committed; a failure rolls the whole batch back.
 */
export async function copyBatch(
  ctx: TableCopyContext,
  items: { table: TableInfo; progress: TableProgress }[],
): Promise<TableReport[]> {
  await ctx.target.query('BEGIN');
  try {
    const reports: TableReport[] = [];
    for (const { table, progress } of items) {
      const startedAt = Date.now();
      const part = await copyPart(ctx, table, progress, undefined, true);
      reports.push(await finishTable(ctx, table, [part], startedAt, false));
    }
    await ctx.target.query(
      `ANALYZE ${items.map(({ table }) => qualified(table.schema, table.name)).join(', ')}`,
    );
    await ctx.target.query('COMMIT');
    return reports;
  } catch (err) {
    await ctx.target.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * Order-independent checksum: the sum of every row's md5 (as two 64-bit halves), so it needs no
 * primary key and no sort, and its memory does not grow with the table.
 */
export function checksumSql(rel: string, columns: string[]): string {
  const half = (from: number) => `sum(('x' || substr(h, ${from}, 16))::bit(64)::bigint::numeric)`;
  return `SELECT count(*) || ':' || coalesce(${half(1)}, 0) || ':' || coalesce(${half(17)}, 0) AS sum
            FROM (SELECT md5(ROW(${columns.join(', ')})::text) AS h FROM ONLY ${rel}) s`;
}
