// One table: a streaming SELECT inside the worker's snapshot → rewrite → LOAD DATA LOCAL (or INSERT
// batches) on the target, with backpressure all the way (mysql2 pauses the source socket when the
// encoder is full; the encoder waits when the target socket is full).
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { RailcloneError } from '../../util/errors.js';
import type { ProgressListener } from '../../util/progress.js';
import { createTableProgress } from '../common/index.js';
import type { Masker } from '../mask/index.js';
import type { TableReport } from '../types.js';
import type { ColumnInfo, TableInfo } from './catalog.js';
import { isTextLike } from './catalog.js';
import { tableChecksum } from './checksum.js';
import type { Connection } from './connect.js';
import { ident, query, scalar } from './connect.js';
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

export async function copyTable(
  src: Connection,
  dst: Connection,
  table: TableInfo,
  ctx: TableCopyContext,
): Promise<TableReport> {
  const started = Date.now();
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

  const progress = createTableProgress(ctx.onProgress, table.name, table.estimatedRows || undefined);
  progress.started();
  // Every stream and emitter below is created through the scope: whatever fails first, anywhere,
  // rejects this function and cuts the rest (see ./stream-scope.ts).
  const scope = new StreamScope(ctx.stop);
  scope.watch(src);
  scope.watch(dst);
  try {
    const sql = `SELECT ${cols.map(selectExpr).join(', ')} FROM ${ident(table.name)}`;
    const select = scope.own(src.query({ sql, rowsAsArray: true, typeCast: false }));
    const rowStream = scope.own(select.stream({ highWaterMark: 512 }));
    let rows: number;
    let bytes: number;
    const fail = (what: string, details: Record<string, unknown>) =>
      new RailcloneError('CopyVerificationFailed', `table ${table.name}: ${what}`, {
        table: table.name,
        ...details,
      });

    if (ctx.method === 'load-data') {
      const loadSql =
        `LOAD DATA LOCAL INFILE 'railclone-stream' INTO TABLE ${ident(table.name)} CHARACTER SET binary ` +
        `${LOAD_DATA_FORMAT} (${cols.map((c) => ident(c.name)).join(', ')})`;
      // One LOAD DATA per chunk of rows: each commits on its own. A single statement for a whole big
      // table was about 1.8x slower on MariaDB 10.11 (one huge transaction into an indexed table).
      let chunk: { encoder: LoadDataEncoder; load: Promise<OkPacket>; rows: number } | undefined;
      let loaded = 0;
      rows = 0;
      bytes = 0;
      const tick = setInterval(
        () =>
          progress.add(
            rows + (chunk?.encoder.rows ?? 0) - progress.rows,
            bytes + (chunk?.encoder.bytes ?? 0) - progress.bytes,
          ),
        200,
      );
      const finishChunk = async () => {
        if (!chunk) return;
        const c = chunk;
        c.encoder.end();
        const res = await scope.wait(c.load);
        chunk = undefined;
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
          if (!chunk) {
            const encoder = scope.own(new LoadDataEncoder(mapRow));
            const load = query<OkPacket>(dst, { sql: loadSql, infileStreamFactory: () => encoder });
            // The target gave up: the scope fails, which stops feeding the encoder (even before the
            // server asked for the file) and ends every wait; finishChunk reports the same error.
            load.catch((err: unknown) => scope.fail(err));
            chunk = { encoder, load, rows: 0 };
          }
          chunk.rows++;
          if (!chunk.encoder.write(row)) await scope.wait(once(chunk.encoder, 'drain'));
          if (chunk.rows >= ctx.loadChunkRows || chunk.encoder.bytes >= ctx.loadChunkBytes)
            await finishChunk();
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
      const tick = setInterval(
        () => progress.add(writer.rows - progress.rows, writer.bytes - progress.bytes),
        200,
      );
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

    // Every row the snapshot held was streamed; the target must now hold exactly that many.
    const targetRows = Number(await scope.wait(scalar(dst, `SELECT COUNT(*) FROM ${ident(table.name)}`)));
    if (targetRows !== rows)
      throw fail(`target holds ${targetRows} rows, the source snapshot ${rows}`, {
        source: rows,
        target: targetRows,
      });

    if (ctx.checksums) {
      // Rewritten columns differ on purpose: leave them out of this table's checksum.
      const masked = new Set(
        tableMasker && tableMasker.masked > 0 ? tableMasker.columns.map((c) => c.column) : [],
      );
      const sumCols = table.columns.filter(
        (c) => !masked.has(c.name) && !(rewritten > 0 && rewriteIdx.some((i) => cols[i] === c)),
      );
      const [a, b] = await scope.wait(
        Promise.all([tableChecksum(src, table.name, sumCols), tableChecksum(dst, table.name, sumCols)]),
      );
      if (a.rows !== b.rows || a.sum !== b.sum)
        throw fail('checksum differs between source snapshot and target', { source: a, target: b });
    }

    scope.throwIfFailed();
    progress.done(rows, bytes);
    return {
      table: table.name,
      rows,
      bytes,
      rewritten,
      ...(tableMasker ? { masked: tableMasker.masked, maskedColumns: tableMasker.columns } : {}),
      durationMs: Date.now() - started,
      verified: true,
    };
  } catch (err) {
    // Cut what is still running with this error (a LOAD DATA being fed gets its end-of-file and returns).
    scope.fail(err);
    throw err;
  } finally {
    scope.close();
  }
}
