// One table, or one key range of a split table: a streaming SELECT inside the worker's snapshot → rewrite → LOAD DATA LOCAL (or INSERT
// batches) on the target, with backpressure all the way (mysql2 pauses the source socket when the
// encoder is full; the encoder waits when the target socket is full).
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { RailcloneError } from '../../util/errors.js';
import type { ProgressListener } from '../../util/progress.js';
import type { TableProgress } from '../common/progress.js';
import type { Chunk } from '../common/split.js';
import type { MaskedColumn, Masker } from '../mask/index.js';
import type { TableReport } from '../types.js';
import type { ColumnInfo, TableInfo } from './catalog.js';
import { isTextLike } from './catalog.js';
import { tableChecksum } from './checksum.js';
import type { Connection } from './connect.js';
import { ident, query } from './connect.js';
import { InsertWriter, readWarnings } from './insert-writer.js';
import { LOAD_DATA_FORMAT, LoadDataEncoder, type RawRow } from './load-format.js';
import { StreamScope } from './stream-scope.js';

export type LoadMethod = 'load-data' | 'insert';

export interface TableCopyContext {
  method: LoadMethod;
  /** Byte-exact rewrite of one value; returns the same Buffer when nothing changed. */
  rewrite?: (value: Buffer) => Buffer;
  /** Whether the rewrite may touch this column (text-like, not skipped, never user_pass). */
  rewritable: (table: string, column: ColumnInfo) => boolean;
  /** Personal data masking; asked once per table which columns it touches. */
  masker?: Masker;
  checksums: boolean;
  insertBatchBytes: number;
  /** A LOAD DATA statement ends after this many rows or encoded bytes, whichever comes first. */
  loadChunkRows: number;
  loadChunkBytes: number;
  onProgress?: ProgressListener;
  /** Fires when the copy stops (abort or another table failed): streams are cut, waits end. */
  stop: AbortSignal;
}

/** `p`, or a rejection as soon as `signal` fires (a destroyed mysql2 connection never calls back). */
export function unlessStopped<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('copy stopped'));
  return new Promise<T>((resolve, reject) => {
    const onStop = () => reject(new Error('copy stopped'));
    signal.addEventListener('abort', onStop, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onStop);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onStop);
        reject(e);
      },
    );
  });
}

interface OkPacket {
  affectedRows: number;
  warningStatus: number;
}

/** SELECT list: FLOAT widened to DOUBLE so its text form keeps every bit (FLOAT prints 6 digits). */
function selectExpr(c: ColumnInfo): string {
  return c.dataType === 'float' ? `(${ident(c.name)} + 0e0)` : ident(c.name);
}

/** What one part (a whole table, or one key range of a split one) moved. */
export interface PartResult {
  rows: number;
  bytes: number;
  rewritten: number;
  /** Columns the rewrite or the masking changed in this part (left out of the checksum). */
  rewrittenColumns: ColumnInfo[];
  /** Values masked in this part, and the masked columns (undefined when the table has none). */
  masked?: number;
  maskedColumns?: MaskedColumn[];
}

/**
 * One part: every row of the table, or of one chunk (`chunk.where`), in this worker's snapshot.
 * Verified by what the target reports (LOAD DATA's or INSERT's affected rows) against the rows
 * streamed — no extra COUNT(*) scan on either side.
 */
export async function copyPart(
  src: Connection,
  dst: Connection,
  table: TableInfo,
  ctx: TableCopyContext,
  progress: TableProgress,
  chunk?: Chunk,
): Promise<PartResult> {
  // Generated columns are computed by the target server from the copied ones.
  const cols = table.columns.filter((c) => !c.generated);
  const rewriteIdx = ctx.rewrite
    ? cols.flatMap((c, i) => (isTextLike(c) && ctx.rewritable(table.name, c) ? [i] : []))
    : [];
  let rewritten = 0;
  const rewrite = ctx.rewrite;
  const rewriteRow =
    rewrite && rewriteIdx.length > 0
      ? (row: RawRow) => {
          for (const i of rewriteIdx) {
            const v = row[i];
            if (!v) continue;
            const out = rewrite(v);
            if (out !== v) {
              row[i] = out;
              rewritten++;
            }
          }
        }
      : undefined;
  // Masking first, then the URL rewrite, in the same per-row step.
  const tableMasker = ctx.masker?.forTable(
    table.name,
    cols.map((c) => ({ name: c.name, textLike: isTextLike(c) })),
  );
  const maskRow = tableMasker
    ? (row: RawRow) =>
        tableMasker.maskRow(
          (i) => {
            const v = row[i];
            return v === null || v === undefined ? null : v.toString('utf8');
          },
          (i, v) => {
            row[i] = v === null ? null : Buffer.from(v, 'utf8');
          },
        )
    : undefined;
  const mapRow =
    maskRow && rewriteRow
      ? (row: RawRow) => {
          maskRow(row);
          rewriteRow(row);
        }
      : (maskRow ?? rewriteRow);

  progress.started();
  // This part's share of the table's progress (other chunks of the table add theirs alongside).
  let shown = { rows: 0, bytes: 0 };
  const show = (rows: number, bytes: number) => {
    progress.add(rows - shown.rows, bytes - shown.bytes);
    shown = { rows, bytes };
  };
  const what = chunk ? `table ${table.name} (chunk ${chunk.index}/${chunk.count})` : `table ${table.name}`;
  // Every stream and emitter below is created through the scope: whatever fails first, anywhere,
  // rejects this function and cuts the rest (see ./stream-scope.ts).
  const scope = new StreamScope(ctx.stop);
  scope.watch(src);
  scope.watch(dst);
  try {
    const sql = `SELECT ${cols.map(selectExpr).join(', ')} FROM ${ident(table.name)}${chunk ? ` WHERE ${chunk.where}` : ''}`;
    const select = scope.own(src.query({ sql, rowsAsArray: true, typeCast: false }));
    const rowStream = scope.own(select.stream({ highWaterMark: 512 }));
    let rows: number;
    let bytes: number;
    const fail = (problem: string, details: Record<string, unknown>) =>
      new RailcloneError('CopyVerificationFailed', `${what}: ${problem}`, {
        table: table.name,
        ...(chunk ? { chunk: chunk.index } : {}),
        ...details,
      });

    if (ctx.method === 'load-data') {
      const loadSql =
        `LOAD DATA LOCAL INFILE 'railclone-stream' INTO TABLE ${ident(table.name)} CHARACTER SET binary ` +
        `${LOAD_DATA_FORMAT} (${cols.map((c) => ident(c.name)).join(', ')})`;
      // One LOAD DATA per chunk of rows: each commits on its own. A single statement for a whole big
      // table was about 1.8x slower on MariaDB 10.11 (one huge transaction into an indexed table).
      let load: { encoder: LoadDataEncoder; done: Promise<OkPacket>; rows: number } | undefined;
      let loaded = 0;
      rows = 0;
      bytes = 0;
      const tick = setInterval(
        () => show(rows + (load?.encoder.rows ?? 0), bytes + (load?.encoder.bytes ?? 0)),
        200,
      );
      const finishChunk = async () => {
        if (!load) return;
        const c = load;
        c.encoder.end();
        const res = await scope.wait(c.done);
        load = undefined;
        rows += c.encoder.rows;
        bytes += c.encoder.bytes;
        loaded += res.affectedRows;
        if (res.warningStatus > 0) {
          throw fail('the target reported warnings while loading (data would not be exact)', {
            warnings: await scope.wait(readWarnings(dst)),
          });
        }
      };
      try {
        for await (const row of rowStream as AsyncIterable<RawRow>) {
          if (!load) {
            const encoder = scope.own(new LoadDataEncoder(mapRow));
            const done = query<OkPacket>(dst, { sql: loadSql, infileStreamFactory: () => encoder });
            // The target gave up: the scope fails, which stops feeding the encoder (even before the
            // server asked for the file) and ends every wait; finishChunk reports the same error.
            done.catch((err: unknown) => scope.fail(err));
            load = { encoder, done, rows: 0 };
          }
          load.rows++;
          if (!load.encoder.write(row)) await scope.wait(once(load.encoder, 'drain'));
          if (load.rows >= ctx.loadChunkRows || load.encoder.bytes >= ctx.loadChunkBytes) await finishChunk();
        }
        await finishChunk();
      } finally {
        clearInterval(tick);
      }
      if (loaded !== rows) throw fail(`loaded ${loaded} of ${rows} rows`, { sent: rows, loaded });
    } else {
      const writer = scope.own(
        new InsertWriter(
          dst,
          table.name,
          cols.map((c) => c.name),
          mapRow,
          ctx.insertBatchBytes,
        ),
      );
      const tick = setInterval(() => show(writer.rows, writer.bytes), 200);
      try {
        await scope.wait(pipeline(rowStream, writer));
      } finally {
        clearInterval(tick);
      }
      rows = writer.rows;
      bytes = writer.bytes;
      if (writer.warnings > 0) {
        throw fail('the target reported warnings while inserting (data would not be exact)', {
          warnings: writer.firstWarnings,
        });
      }
      if (writer.affected !== rows)
        throw fail(`inserted ${writer.affected} of ${rows} rows`, { sent: rows, loaded: writer.affected });
    }

    scope.throwIfFailed();
    show(rows, bytes);
    const maskedNames = new Set(
      tableMasker && tableMasker.masked > 0 ? tableMasker.columns.map((c) => c.column) : [],
    );
    return {
      rows,
      bytes,
      rewritten,
      rewrittenColumns: [
        ...(rewritten > 0 ? rewriteIdx.map((i) => cols[i] as ColumnInfo) : []),
        ...cols.filter((c) => maskedNames.has(c.name)),
      ],
      ...(tableMasker ? { masked: tableMasker.masked, maskedColumns: tableMasker.columns } : {}),
    };
  } catch (err) {
    // Cut what is still running with this error (a LOAD DATA being fed gets its end-of-file and returns).
    scope.fail(err);
    throw err;
  } finally {
    scope.close();
  }
}

/**
 * After a table's last part: its deferred secondary keys (one ALTER), checksums when asked, and the
 * table's report. `src` is in the same snapshot as every part's session.
 */
export async function finishTable(
  src: Connection,
  dst: Connection,
  table: TableInfo,
  parts: PartResult[],
  ctx: TableCopyContext,
  o: { startedAt: number; addKeys?: string },
): Promise<TableReport> {
  const scope = new StreamScope(ctx.stop);
  scope.watch(src);
  scope.watch(dst);
  try {
    if (o.addKeys) await scope.wait(query(dst, o.addKeys));
    if (ctx.checksums) {
      // Rewritten and masked columns differ on purpose: leave them out of this table's checksum.
      const skip = new Set(parts.flatMap((p) => p.rewrittenColumns));
      const sumCols = table.columns.filter((c) => !skip.has(c));
      const [a, b] = await scope.wait(
        Promise.all([tableChecksum(src, table.name, sumCols), tableChecksum(dst, table.name, sumCols)]),
      );
      if (a.rows !== b.rows || a.sum !== b.sum)
        throw new RailcloneError(
          'CopyVerificationFailed',
          `table ${table.name}: checksum differs between source snapshot and target`,
          { table: table.name, source: a, target: b },
        );
    }
    const sum = (k: 'rows' | 'bytes' | 'rewritten') => parts.reduce((n, p) => n + p[k], 0);
    return {
      table: table.name,
      rows: sum('rows'),
      bytes: sum('bytes'),
      rewritten: sum('rewritten'),
      ...(parts[0]?.maskedColumns
        ? { masked: parts.reduce((n, p) => n + (p.masked ?? 0), 0), maskedColumns: parts[0].maskedColumns }
        : {}),
      durationMs: Date.now() - o.startedAt,
      verified: true,
    };
  } finally {
    scope.close();
  }
}
