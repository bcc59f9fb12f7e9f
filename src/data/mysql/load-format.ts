// Rows of raw column bytes → the LOAD DATA text format:
//   FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n', NULL as \N.
// Values are bytes, never decoded, so BLOBs, any charset and invalid UTF-8 survive exactly.
// Only the four bytes the format gives meaning to are escaped: backslash, tab, newline, NUL.
import { Transform, type TransformCallback } from 'node:stream';

export type RawRow = (Buffer | null)[];

/** Appended to the LOAD DATA statement; must match the encoder. */
export const LOAD_DATA_FORMAT = "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'";

const CHUNK = 256 * 1024;
// mysql2 sends each chunk as one protocol packet: stay well below max_allowed_packet (≥ 1 MiB).
const MAX_PUSH = 512 * 1024;

const BACKSLASH = 0x5c;
const TAB = 0x09;
const NL = 0x0a;
const NUL = 0x00;

export class LoadDataEncoder extends Transform {
  rows = 0;
  bytes = 0;
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;

  /** `mapRow` may replace values (the rewrite) before they are encoded. */
  constructor(private readonly mapRow?: (row: RawRow) => void) {
    super({
      writableObjectMode: true,
      readableObjectMode: false,
      writableHighWaterMark: 256,
      readableHighWaterMark: CHUNK,
    });
  }

  override _transform(row: RawRow, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.mapRow?.(row);
      this.encode(row);
      this.rows++;
      if (this.pos >= CHUNK / 2) this.flushChunk();
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    this.flushChunk();
    done();
  }

  private encode(row: RawRow): void {
    // Worst case every byte is escaped.
    let need = row.length + 1;
    for (const v of row) need += v === null ? 2 : v.length * 2;
    if (this.pos + need > this.buf.length) {
      this.flushChunk();
      if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need);
    }
    const out = this.buf;
    let pos = this.pos;
    for (let c = 0; c < row.length; c++) {
      if (c > 0) out[pos++] = TAB;
      const v = row[c];
      if (v === null || v === undefined) {
        out[pos++] = BACKSLASH;
        out[pos++] = 0x4e; // N
        continue;
      }
      let start = 0;
      const n = v.length;
      for (let i = 0; i < n; i++) {
        const b = v[i] as number;
        if (b <= BACKSLASH && (b === BACKSLASH || b === TAB || b === NL || b === NUL)) {
          if (i > start) pos += v.copy(out, pos, start, i);
          out[pos++] = BACKSLASH;
          out[pos++] = b === NUL ? 0x30 : b === TAB ? 0x74 : b === NL ? 0x6e : BACKSLASH;
          start = i + 1;
        }
      }
      if (start < n) pos += v.copy(out, pos, start, n);
    }
    out[pos++] = NL;
    this.pos = pos;
  }

  private flushChunk(): void {
    if (this.pos === 0) return;
    const data = this.buf.subarray(0, this.pos);
    this.bytes += data.length;
    for (let off = 0; off < data.length; off += MAX_PUSH)
      this.push(data.subarray(off, Math.min(off + MAX_PUSH, data.length)));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
  }
}
