// Fallback when the target refuses LOAD DATA LOCAL (local_infile=OFF): size-bounded multi-row
// INSERTs. Values stay byte-exact: valid UTF-8 goes as an escaped _binary'…' literal (no charset
// conversion on the server), anything else as X'hex'. Slower than LOAD DATA, same result.
import { isUtf8 } from 'node:buffer';
import { Writable } from 'node:stream';
import type { Connection } from './connect.js';
import { ident, query } from './connect.js';
import type { RawRow } from './load-format.js';

interface OkPacket {
  affectedRows: number;
  warningStatus: number;
}

const ESCAPES: Record<string, string> = {
  '\0': '\\0',
  "'": "\\'",
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
};

// eslint-disable-next-line no-control-regex -- these are the bytes MySQL string literals escape
const LITERAL_ESCAPED = /[\0'\\\n\r\x1a]/g;

export function sqlLiteral(v: Buffer | null): string {
  if (v === null || v === undefined) return 'NULL';
  if (isUtf8(v))
    return `_binary'${v.toString('utf8').replace(LITERAL_ESCAPED, (c) => ESCAPES[c] as string)}'`;
  return `X'${v.toString('hex')}'`;
}

/** `SHOW WARNINGS` of the last statement, as `Level code: message` lines. */
export async function readWarnings(conn: Connection, limit = 5): Promise<string[]> {
  const rows = await query<Record<string, unknown>[]>(conn, `SHOW WARNINGS LIMIT ${limit}`);
  return rows.map((r) => `${String(r.Level)} ${String(r.Code)}: ${String(r.Message)}`);
}

export class InsertWriter extends Writable {
  rows = 0;
  bytes = 0;
  affected = 0;
  warnings = 0;
  /** The server's first warnings, read right after the statement that raised them. */
  firstWarnings: string[] = [];
  private batch: string[] = [];
  private batchBytes = 0;
  private readonly head: string;

  constructor(
    private readonly conn: Connection,
    table: string,
    columns: string[],
    private readonly mapRow: ((row: RawRow) => void) | undefined,
    private readonly maxBatchBytes: number,
  ) {
    super({ objectMode: true, highWaterMark: 256 });
    this.head = `INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) VALUES `;
  }

  override _write(row: RawRow, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    try {
      this.mapRow?.(row);
      const tuple = `(${row.map(sqlLiteral).join(',')})`;
      this.rows++;
      this.bytes += tuple.length;
      if (this.batch.length > 0 && this.batchBytes + tuple.length > this.maxBatchBytes) {
        const full = this.batch;
        this.batch = [tuple];
        this.batchBytes = tuple.length;
        this.send(full).then(() => done(), done);
        return;
      }
      this.batch.push(tuple);
      this.batchBytes += tuple.length;
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _final(done: (err?: Error | null) => void): void {
    if (this.batch.length === 0) return done();
    this.send(this.batch).then(() => done(), done);
  }

  private async send(tuples: string[]): Promise<void> {
    const res = await query<OkPacket>(this.conn, this.head + tuples.join(','));
    this.affected += res.affectedRows;
    this.warnings += res.warningStatus;
    if (res.warningStatus > 0 && this.firstWarnings.length === 0)
      this.firstWarnings = await readWarnings(this.conn);
  }
}
