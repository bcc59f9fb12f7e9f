// The Transform between `COPY … TO STDOUT` and `COPY … FROM STDIN`: counts rows and bytes and,
// when asked, rewrites the values of chosen columns in flight.
// Fast path: a chunk that contains none of the needles goes through as it came (one memchr-like scan).
import { Transform, type TransformCallback } from 'node:stream';
import { countRows, decodeField, encodeField, encodeText, isNullField, splitFields } from './copy-text.js';
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

  /** Rewrites the rows of `block` (complete rows) that hold a needle; other bytes are kept as slices. */
  private rewriteRows(block: Buffer): Buffer {
    const parts: Buffer[] = [];
    let passFrom = 0;
    let pos = 0;
    const next = this.needles.map(() => -2); // -2: not searched yet from `pos`
    while (pos < block.length) {
      let hit: number;
      if (this.needles.length === 0) hit = pos;
      else {
        hit = -1;
        for (let k = 0; k < this.needles.length; k++) {
          if ((next[k] as number) !== -1 && (next[k] as number) < pos) next[k] = block.indexOf(this.needles[k] as Buffer, pos);
          const p = next[k] as number;
          if (p !== -1 && (hit === -1 || p < hit)) hit = p;
        }
        if (hit === -1) break;
      }
      const rowStart = hit === 0 ? 0 : block.lastIndexOf(NL, hit - 1) + 1;
      const rowEnd = block.indexOf(NL, hit); // rows are complete, so always found
      const row = block.subarray(rowStart, rowEnd);
      const out = this.rewriteRow(row);
      if (out !== row) {
        if (rowStart > passFrom) parts.push(block.subarray(passFrom, rowStart));
        parts.push(out);
        passFrom = rowEnd;
      }
      pos = rowEnd + 1;
    }
    if (parts.length === 0) return block;
    parts.push(block.subarray(passFrom));
    return Buffer.concat(parts);
  }

  private rewriteRow(row: Buffer): Buffer {
    const fields = splitFields(row);
    let changed = false;
    for (const i of this.columns) {
      const field = fields[i];
      if (field === undefined || field.length === 0 || isNullField(field)) continue;
      if (this.needles.length > 0 && !this.needles.some((n) => field.indexOf(n) !== -1)) continue;
      const value = decodeField(field);
      const out = (this.rewriter as ValueRewriter).rewriteBuffer(value);
      if (out === value) continue;
      fields[i] = encodeField(out);
      this.rewritten++;
      changed = true;
    }
    if (!changed) return row;
    const joined: Buffer[] = [];
    fields.forEach((f, i) => {
      if (i > 0) joined.push(TAB);
      joined.push(f);
    });
    return Buffer.concat(joined);
  }
}

const TAB = Buffer.from([0x09]);
