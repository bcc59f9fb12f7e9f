// One table: a streaming SELECT inside the worker's snapshot → rewrite → LOAD DATA LOCAL (or INSERT
// batches) on the target, with backpressure all the way (mysql2 pauses the source socket when the
// encoder is full; the encoder waits when the target socket is full).
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { RailcloneError } from '../../util/errors.js';
import type { ProgressListener } from '../../util/progress.js';
import { createTableProgress } from '../common/index.js';
import type { TableReport } from '../types.js';
import type { ColumnInfo, TableInfo } from './catalog.js';
import { isTextLike } from './catalog.js';
import { tableChecksum } from './checksum.js';
import type { Connection } from './connect.js';
import { ident, query, scalar } from './connect.js';
import { InsertWriter, readWarnings } from './insert-writer.js';
import { LOAD_DATA_FORMAT, LoadDataEncoder, type RawRow } from './load-format.js';

export type LoadMethod = 'load-data' | 'insert';

export interface TableCopyContext {
  method: LoadMethod;
  /** Byte-exact rewrite of one value; returns the same Buffer when nothing changed. */
  rewrite?: (value: Buffer) => Buffer;
  /** Whether the rewrite may touch this column (text-like, not skipped, never user_pass). */
  rewritable: (table: string, column: ColumnInfo) => boolean;
  checksums: boolean;
  insertBatchBytes: number;
  onProgress?: ProgressListener;
}

interface OkPacket {
  affectedRows: number;
  warningStatus: number;
}

/** SELECT list: FLOAT widened to DOUBLE so its text form keeps every bit (FLOAT prints 6 digits). */
function selectExpr(c: ColumnInfo): string {
  return c.dataType === 'float' ? `(${ident(c.name)} + 0e0)` : ident(c.name);
}

export async function copyTable(src: Connection, dst: Connection, table: TableInfo, ctx: TableCopyContext): Promise<TableReport> {
  const started = Date.now();
  // Generated columns are computed by the target server from the copied ones.
  const cols = table.columns.filter((c) => !c.generated);
  const rewriteIdx = ctx.rewrite ? cols.flatMap((c, i) => (isTextLike(c) && ctx.rewritable(table.name, c) ? [i] : [])) : [];
  let rewritten = 0;
  const rewrite = ctx.rewrite;
  const mapRow =
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

  const progress = createTableProgress(ctx.onProgress, table.name, table.estimatedRows || undefined);
  progress.started();
  const sql = `SELECT ${cols.map(selectExpr).join(', ')} FROM ${ident(table.name)}`;
  const rowStream = src.query({ sql, rowsAsArray: true, typeCast: false }).stream({ highWaterMark: 512 }) as Readable;

  let rows: number;
  let bytes: number;
  const fail = (what: string, details: Record<string, unknown>) =>
    new RailcloneError('CopyVerificationFailed', `table ${table.name}: ${what}`, { table: table.name, ...details });

  if (ctx.method === 'load-data') {
    const encoder = new LoadDataEncoder(mapRow);
    let lastRows = 0;
    let lastBytes = 0;
    const tick = setInterval(() => {
      progress.add(encoder.rows - lastRows, encoder.bytes - lastBytes);
      lastRows = encoder.rows;
      lastBytes = encoder.bytes;
    }, 200);
    try {
      const piping = pipeline(rowStream, encoder);
      const load = query<OkPacket>(dst, {
        sql:
          `LOAD DATA LOCAL INFILE 'railclone-stream' INTO TABLE ${ident(table.name)} CHARACTER SET binary ` +
          `${LOAD_DATA_FORMAT} (${cols.map((c) => ident(c.name)).join(', ')})`,
        infileStreamFactory: () => encoder,
      }).catch((err: unknown) => {
        // The target gave up: stop reading, or the paused source would wait forever.
        encoder.destroy(err as Error);
        throw err;
      });
      // If the source fails mid-way, the encoder errors, mysql2 ends the upload and `load` rejects.
      const [res] = await Promise.all([load, piping]);
      rows = encoder.rows;
      bytes = encoder.bytes;
      if (res.warningStatus > 0) {
        throw fail('the target reported warnings while loading (data would not be exact)', {
          warnings: await readWarnings(dst),
        });
      }
      if (res.affectedRows !== rows) throw fail(`loaded ${res.affectedRows} of ${rows} rows`, { sent: rows, loaded: res.affectedRows });
    } finally {
      clearInterval(tick);
    }
  } else {
    const writer = new InsertWriter(dst, table.name, cols.map((c) => c.name), mapRow, ctx.insertBatchBytes);
    const tick = setInterval(() => progress.add(writer.rows - progress.rows, writer.bytes - progress.bytes), 200);
    try {
      await pipeline(rowStream, writer);
    } finally {
      clearInterval(tick);
    }
    rows = writer.rows;
    bytes = writer.bytes;
    if (writer.warnings > 0) {
      throw fail('the target reported warnings while inserting (data would not be exact)', { warnings: writer.firstWarnings });
    }
    if (writer.affected !== rows) throw fail(`inserted ${writer.affected} of ${rows} rows`, { sent: rows, loaded: writer.affected });
  }

  // Every row the snapshot held was streamed; the target must now hold exactly that many.
  const targetRows = Number(await scalar(dst, `SELECT COUNT(*) FROM ${ident(table.name)}`));
  if (targetRows !== rows) throw fail(`target holds ${targetRows} rows, the source snapshot ${rows}`, { source: rows, target: targetRows });

  if (ctx.checksums) {
    // Rewritten columns differ on purpose: leave them out of this table's checksum.
    const sumCols = rewritten > 0 ? table.columns.filter((c) => !rewriteIdx.some((i) => cols[i] === c)) : table.columns;
    const [a, b] = await Promise.all([tableChecksum(src, table.name, sumCols), tableChecksum(dst, table.name, sumCols)]);
    if (a.rows !== b.rows || a.sum !== b.sum) throw fail('checksum differs between source snapshot and target', { source: a, target: b });
  }

  progress.done(rows, bytes);
  return { table: table.name, rows, bytes, rewritten, durationMs: Date.now() - started, verified: true };
}
