// The Transform between `COPY … TO STDOUT` and `COPY … FROM STDIN`: counts rows and bytes and,
// when asked, rewrites the values of chosen columns in flight.
// Fast path: a chunk that contains none of the needles goes through as it came (one memchr-like scan).
import { Transform, type TransformCallback } from 'node:stream';
import { countRows, decodeField, encodeField, encodeText, isNullField } from './copy-text.js';
import type { Replacement } from '../types.js';

export interface ValueRewriter {
  /** Returns the SAME Buffer when nothing changed. */
  rewriteBuffer(value: Buffer): Buffer;
}

export interface CopyStreamOptions {
  /** Indexes (in the COPY column list) of the columns the rewrite may touch. */
  rewriteColumns?: readonly number[];
  rewriter?: ValueRewriter;
  /** Byte strings a changeable value must contain, in COPY-escaped form; empty = look at every row. */
  needles?: readonly Buffer[];
  onData?: (rows: number, bytes: number) => void;
}

const NL = 0x0a;

/** Longest run of `s` that neither JSON nor COPY escaping alters (no " \ / control or non-ASCII). */
function stableCore(s: string): string {
  let best = '';
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : -1;
    if (c === -1 || c === 0x22 || c === 0x5c || c === 0x2f || c < 0x20 || c > 0x7e) {
      if (i - start > best.length) best = s.slice(start, i);
      start = i + 1;
    }
  }
  return best;
}

/**
 * Needles for the fast path: a value the rewriter can change contains, in the stream, the stable core
 * of one `from` (the rewriter matches plain and JSON-escaped forms, which all contain that core).
 * A too-short core gives the escaped forms themselves.
 */
export function needlesFor(pairs: readonly Replacement[], forms: (p: Replacement) => Replacement[]): Buffer[] {
  const out = new Map<string, Buffer>();
  for (const p of pairs) {
    const core = stableCore(p.from);
    const list = core.length >= 3 || core === p.from ? [core] : forms(p).map((f) => f.from);
    for (const s of list) {
      const b = encodeText(s);
      out.set(b.toString('latin1'), b);
    }
  }
  return [...out.values()];
}

export class CopyStream extends Transform {
  rows = 0;
  bytes = 0;
  /** Values the rewriter changed. */
  rewritten = 0;
  private carry: Buffer | null = null;
  private readonly columns: Set<number>;
  private readonly rewriter: ValueRewriter | undefined;
  private readonly needles: readonly Buffer[];
  private readonly onData: ((rows: number, bytes: number) => void) | undefined;

  constructor(opts: CopyStreamOptions = {}) {
    super({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
    this.columns = new Set(opts.rewriteColumns ?? []);
    this.rewriter = this.columns.size > 0 ? opts.rewriter : undefined;
    this.needles = opts.needles ?? [];
    this.onData = opts.onData;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      const rows = countRows(chunk);
      this.rows += rows;
      this.bytes += chunk.length;
      this.onData?.(rows, chunk.length);
      if (!this.rewriter) return cb(null, chunk);
      this.rewriteChunk(chunk);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    // COPY output always ends with \n; a remainder would be a protocol problem, passed on as is.
    if (this.carry && this.carry.length > 0) this.push(this.carry);
    this.carry = null;
    cb();
  }

  private rewriteChunk(chunk: Buffer): void {
    let data = chunk;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    const lastNl = data.lastIndexOf(NL);
    if (lastNl === -1) {
      this.carry = Buffer.from(data);
      return;
    }
    if (lastNl < data.length - 1) this.carry = Buffer.from(data.subarray(lastNl + 1));
    const rows = data.subarray(0, lastNl + 1);
    this.push(this.rewriteRows(rows));
  }

  /**
   * Rewrites the chosen fields of `block` (complete rows) that hold a needle. Works on offsets into
   * the block: rows and fields are found with indexOf, untouched bytes stay slices of the block and
   * the output is one Buffer.concat — no per-row or per-field Buffers for rows without a needle.
   */
  private rewriteRows(block: Buffer): Buffer {
    const out = new Splicer(block);
    const next = this.needles.map(() => -2); // next hit of each needle at or after `pos`; -2: not searched yet
    let pos = 0;
    while (pos < block.length) {
      const hit = this.nextHit(block, pos, next);
      if (hit === -1) break;
      const rowStart = hit === 0 ? 0 : block.lastIndexOf(NL, hit - 1) + 1;
      const rowEnd = block.indexOf(NL, hit); // rows are complete, so always found
      this.rewriteRow(block.subarray(rowStart, rowEnd), rowStart, hit - rowStart, out);
      pos = rowEnd + 1;
    }
    return out.finish();
  }

  /** First position ≥ `from` where a needle starts (any position when there are no needles), or -1. */
  private nextHit(buf: Buffer, from: number, cache?: number[]): number {
    if (this.needles.length === 0) return from;
    let hit = -1;
    for (let k = 0; k < this.needles.length; k++) {
      let p = cache ? (cache[k] as number) : -2;
      if (p !== -1 && p < from) p = buf.indexOf(this.needles[k] as Buffer, from);
      if (cache) cache[k] = p;
      if (p !== -1 && (hit === -1 || p < hit)) hit = p;
    }
    return hit;
  }

  /**
   * One row holding a needle at `hit`: visits only the fields a needle falls in (a value the rewriter
   * can change always holds one), searching within the row so a long row is scanned once.
   */
  private rewriteRow(row: Buffer, offset: number, hit: number, out: Splicer): void {
    let field = 0;
    let start = 0;
    while (hit !== -1) {
      let end = row.indexOf(TAB, start);
      while (end !== -1 && end < hit) {
        field++;
        start = end + 1;
        end = row.indexOf(TAB, start);
      }
      if (end === -1) end = row.length;
      if (this.columns.has(field)) this.rewriteField(row.subarray(start, end), offset + start, out);
      if (end === row.length) return;
      field++;
      start = end + 1;
      hit = this.nextHit(row, start);
    }
  }

  private rewriteField(field: Buffer, at: number, out: Splicer): void {
    if (field.length === 0 || isNullField(field)) return;
    const value = decodeField(field);
    const next = (this.rewriter as ValueRewriter).rewriteBuffer(value);
    if (next === value) return;
    out.replace(at, at + field.length, encodeField(next));
    this.rewritten++;
  }
}

const TAB = 0x09;

/** A block with some byte ranges replaced, gathered as slices and joined once. */
class Splicer {
  private readonly parts: Buffer[] = [];
  private kept = 0; // block bytes before this offset are already in `parts`

  constructor(private readonly block: Buffer) {}

  /** Replaces block[start, end) with `bytes`; ranges must come in increasing order. */
  replace(start: number, end: number, bytes: Buffer): void {
    if (start > this.kept) this.parts.push(this.block.subarray(this.kept, start));
    this.parts.push(bytes);
    this.kept = end;
  }

  finish(): Buffer {
    if (this.parts.length === 0) return this.block;
    if (this.kept < this.block.length) this.parts.push(this.block.subarray(this.kept));
    return Buffer.concat(this.parts);
  }
}
