// The Transform between `COPY … TO STDOUT` and `COPY … FROM STDIN` of a table whose rows change in
// flight (URL rewrite, masking): counts rows and bytes, rewrites and masks the chosen columns. A
// table nothing changes goes through copy-relay.ts instead.
// Fast path: a chunk that contains none of the needles goes through as it came (one memchr-like scan).
import { Transform, type TransformCallback } from 'node:stream';
import type { TableMasker } from '../mask/index.js';
import { maskBlock } from './copy-mask.js';
import { BlockRewriter, type ValueRewriter } from './copy-rewrite.js';
import { countRows, encodeText } from './copy-text.js';
import type { Replacement } from '../types.js';

export type { ValueRewriter } from './copy-rewrite.js';

export interface CopyStreamOptions {
  /** Indexes (in the COPY column list) of the columns the rewrite may touch. */
  rewriteColumns?: readonly number[];
  rewriter?: ValueRewriter;
  /** Byte strings a changeable value must contain, in COPY-escaped form; empty = look at every row. */
  needles?: readonly Buffer[];
  /** Personal data masked in each row before the rewrite. */
  masker?: TableMasker;
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
export function needlesFor(
  pairs: readonly Replacement[],
  forms: (p: Replacement) => Replacement[],
): Buffer[] {
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
  private carry: Buffer | null = null;
  private readonly rewriter: BlockRewriter | undefined;
  private readonly masker: TableMasker | undefined;
  private readonly onData: ((rows: number, bytes: number) => void) | undefined;

  constructor(opts: CopyStreamOptions = {}) {
    super({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
    const columns = new Set(opts.rewriteColumns ?? []);
    if (columns.size > 0 && opts.rewriter)
      this.rewriter = new BlockRewriter(columns, opts.rewriter, opts.needles ?? []);
    this.masker = opts.masker;
    this.onData = opts.onData;
  }

  /** Values the rewriter changed. */
  get rewritten(): number {
    return this.rewriter?.rewritten ?? 0;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      const rows = countRows(chunk);
      this.rows += rows;
      this.bytes += chunk.length;
      this.onData?.(rows, chunk.length);
      if (!this.rewriter && !this.masker) return cb(null, chunk);
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

  /** Rewrites the complete rows of carry + chunk and keeps the incomplete last row for later. */
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
    let block = data.subarray(0, lastNl + 1);
    if (this.masker) block = maskBlock(block, this.masker);
    this.push(this.rewriter ? this.rewriter.rewrite(block) : block);
  }
}
