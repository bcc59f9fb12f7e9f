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
const SPECIAL = [BACKSLASH, TAB, NL, NUL];
/** What follows the backslash for each byte escaped. */
const ESCAPED = new Uint8Array(256);
ESCAPED[BACKSLASH] = BACKSLASH;
ESCAPED[TAB] = 0x74; // t
ESCAPED[NL] = 0x6e; // n
ESCAPED[NUL] = 0x30; // 0
/** From this length a value is scanned natively (below it four scans cost more than the loop). */
const LONG = 256;
/** From this length a value with nothing to escape is pushed as it is (below it a copy is cheaper). */
const PASS_ON = 32 * 1024;
/** Escapes denser than one in this many bytes: back to the byte loop. */
const DENSE = 64;

export class LoadDataEncoder extends Transform {
  rows = 0;
  bytes = 0;
  /** Filled from `from` to `pos`; what is before `from` was pushed (and is still referenced). */
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private from = 0;

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
      if (this.pos - this.from >= CHUNK / 2) this.flushChunk();
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
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      const at = v && v.length >= LONG ? SPECIAL.map((b) => v.indexOf(b)) : undefined;
      if (v && v.length >= PASS_ON && at?.every((p) => p < 0)) {
        // A large value with nothing to escape is passed on as it is, not copied.
        this.ensure(1);
        if (c > 0) this.buf[this.pos++] = TAB;
        this.passOn(v);
        continue;
      }
      // Worst case every byte is escaped (and a tab before it).
      this.ensure(v ? 1 + 2 * v.length : 3);
      if (c > 0) this.buf[this.pos++] = TAB;
      if (v === null || v === undefined) {
        this.buf[this.pos++] = BACKSLASH;
        this.buf[this.pos++] = 0x4e; // N
      } else if (at) this.escapeLong(v, at);
      else this.escapeShort(v);
    }
    this.ensure(1);
    this.buf[this.pos++] = NL;
  }

  /** Room for `n` more bytes in the chunk being filled. */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flushChunk();
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.pos = 0;
    this.from = 0;
  }

  /** A short value, byte by byte. */
  private escapeShort(v: Buffer, from = 0): void {
    const out = this.buf;
    let pos = this.pos;
    let start = from;
    for (let i = from; i < v.length; i++) {
      const b = v[i] as number;
      if (b <= BACKSLASH && (b === BACKSLASH || b === TAB || b === NL || b === NUL)) {
        if (i > start) pos += v.copy(out, pos, start, i);
        out[pos++] = BACKSLASH;
        out[pos++] = ESCAPED[b] as number;
        start = i + 1;
      }
    }
    if (start < v.length) pos += v.copy(out, pos, start);
    this.pos = pos;
  }

  /**
   * A long value with bytes to escape: native scans (memchr) jump from one to the next, instead of a
   * JS loop over every byte (the copy's busiest function on long text). `at`: where each SPECIAL
   * byte first occurs. Dense escapes (binary data) go back to the byte loop.
   */
  private escapeLong(v: Buffer, at: number[]): void {
    const out = this.buf;
    let pos = this.pos;
    let start = 0;
    for (let escapes = 0; ; escapes++) {
      let next = -1;
      let k = -1;
      for (let j = 0; j < at.length; j++) {
        const p = at[j] as number;
        if (p >= 0 && (next < 0 || p < next)) [next, k] = [p, j];
      }
      if (next < 0) break;
      if (escapes > 16 && escapes * DENSE > next) {
        // More than one byte in DENSE escaped so far: the byte loop is cheaper from here.
        this.pos = pos;
        this.escapeShort(v, start);
        return;
      }
      if (next > start) pos += v.copy(out, pos, start, next);
      const b = SPECIAL[k] as number;
      out[pos++] = BACKSLASH;
      out[pos++] = ESCAPED[b] as number;
      start = next + 1;
      at[k] = v.indexOf(b, start);
    }
    if (start < v.length) pos += v.copy(out, pos, start);
    this.pos = pos;
  }

  /** The chunk so far, then `v` itself (in pieces a packet can carry). */
  private passOn(v: Buffer): void {
    this.flushChunk();
    this.bytes += v.length;
    for (let off = 0; off < v.length; off += MAX_PUSH) this.push(v.subarray(off, off + MAX_PUSH));
  }

  /** Pushes what was filled since the last push; the rest of the buffer is filled on. */
  private flushChunk(): void {
    if (this.pos === this.from) return;
    const data = this.buf.subarray(this.from, this.pos);
    this.bytes += data.length;
    for (let off = 0; off < data.length; off += MAX_PUSH)
      this.push(data.subarray(off, Math.min(off + MAX_PUSH, data.length)));
    this.from = this.pos;
  }
}
