// One table: COPY TO STDOUT on the source (inside the snapshot) → CopyStream → COPY FROM STDIN on the
// target, in one target transaction (TRUNCATE + COPY FREEZE: rows land frozen, nothing to vacuum later).
// Then the counts (and optionally checksums) of both sides are compared.
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import { RailcloneError } from '../../util/errors.js';
import type { ProgressListener } from '../../util/progress.js';
import { createTableProgress } from '../common/progress.js';
import type { Masker } from '../mask/index.js';
import type { TableReport } from '../types.js';
import type { TableInfo } from './catalog.js';
import { ident, qualified, type PgClient } from './connect.js';
import { CopyStream, type ValueRewriter } from './copy-stream.js';

export interface TableCopyContext {
  /** In `REPEATABLE READ READ ONLY` with the exported snapshot set. */
  source: PgClient;
  target: PgClient;
  rewriter?: ValueRewriter;
  needles: Buffer[];
  /** Decides per column whether the rewrite may touch it (skip lists, user_pass). */
  rewritable: (table: string, column: string) => boolean;
  /** Personal data masking; asked once per table which columns it touches. */
  masker?: Masker;
  checksums: boolean;
  signal: AbortSignal;
  onProgress?: ProgressListener;
}

/** The name shown to people: bare in `public`, qualified elsewhere. */
export function displayName(t: Pick<TableInfo, 'schema' | 'name'>): string {
  return t.schema === 'public' ? t.name : `${t.schema}.${t.name}`;
}

export async function copyTable(ctx: TableCopyContext, t: TableInfo): Promise<TableReport> {
  const started = Date.now();
  const name = displayName(t);
  const rel = qualified(t.schema, t.name);
  // Generated columns are computed again by the target.
  const cols = t.columns.filter((c) => !c.generated);
  const list = cols.length > 0 ? ` (${cols.map((c) => ident(c.name)).join(', ')})` : '';
  const rewriteColumns = ctx.rewriter
    ? cols.flatMap((c, i) => (c.textLike && ctx.rewritable(t.name, c.name) ? [i] : []))
    : [];
  const tableMasker = ctx.masker?.forTable(t.name, cols);
  const progress = createTableProgress(ctx.onProgress, name, t.estimatedRows);
  const stream = new CopyStream({
    rewriteColumns,
    ...(tableMasker ? { masker: tableMasker } : {}),
    ...(ctx.rewriter ? { rewriter: ctx.rewriter } : {}),
    needles: ctx.needles,
    onData: (rows, bytes) => progress.add(rows, bytes),
  });
  progress.started();
  await ctx.target.query('BEGIN');
  try {
    await ctx.target.query(`TRUNCATE ONLY ${rel}`);
    const from = ctx.target.query(copyStreams.from(`COPY ${rel}${list} FROM STDIN WITH (FREEZE)`));
    const to = ctx.source.query(copyStreams.to(`COPY ${rel}${list} TO STDOUT`));
    await pipeline(to, stream, from, { signal: ctx.signal });
    await ctx.target.query('COMMIT');
  } catch (err) {
    await ctx.target.query('ROLLBACK').catch(() => {});
    if (ctx.signal.aborted) throw err;
    throw new RailcloneError(
      'TableCopyFailed',
      `table ${name}: ${(err as Error).message}`,
      { table: name },
      { cause: err },
    );
  }
  progress.done(stream.rows, stream.bytes);

  const count = `SELECT count(*)::text AS n FROM ONLY ${rel}`;
  const [src, dst] = await Promise.all([
    ctx.source.query<{ n: string }>(count),
    ctx.target.query<{ n: string }>(count),
  ]);
  const sourceRows = Number(src.rows[0]?.n);
  const targetRows = Number(dst.rows[0]?.n);
  if (sourceRows !== targetRows || sourceRows !== stream.rows) {
    throw new RailcloneError(
      'VerificationFailed',
      `table ${name}: row counts differ (source ${sourceRows}, streamed ${stream.rows}, target ${targetRows})`,
      { table: name, sourceRows, targetRows, streamed: stream.rows },
    );
  }
  if (ctx.checksums) {
    // Columns the rewrite changed differ by design; the rest must be identical.
    const rewritten = new Set(stream.rewritten > 0 ? rewriteColumns.map((i) => cols[i]?.name) : []);
    if (tableMasker && tableMasker.masked > 0) for (const c of tableMasker.columns) rewritten.add(c.column);
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
  await ctx.target.query(`ANALYZE ${rel}`);
  return {
    table: name,
    rows: stream.rows,
    bytes: stream.bytes,
    rewritten: stream.rewritten,
    ...(tableMasker ? { masked: tableMasker.masked, maskedColumns: tableMasker.columns } : {}),
    durationMs: Date.now() - started,
    verified: true,
  };
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
