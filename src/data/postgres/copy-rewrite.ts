// Rewrites the chosen columns of a block of complete COPY-text rows. Only fields that hold a needle
// are decoded, rewritten and encoded again; every other byte is copied as a range.
//
// The block is read as a latin1 string (one char per byte, a single memcpy): V8's string indexOf,
// slice and replaceAll cost a few nanoseconds a call, where each Buffer method call or subarray
// costs ~100 ns — on short rows (comments, postmeta) that per-call cost was the whole budget.
// Char offsets are byte offsets, so untouched ranges are copied from the Buffer itself.
import { nextHostIn, type HostSearch } from '../rewrite/index.js';
import { decodeLatin1, encodeLatin1 } from './copy-text.js';

export interface ValueRewriter {
  /** Returns the SAME Buffer when nothing changed. */
  rewriteBuffer(value: Buffer): Buffer;
  /** Optional: the same on bytes held one char per byte; the SAME string when nothing changed. */
  rewriteLatin1?(value: string): string;
  /** Host mode: hosts found in any letter case, so not by the byte needles. */
  readonly hostSearch?: HostSearch;
}

/** Finds the next position ≥ `from` in the block inside a value that may change, or -1. */
type Finder = (text: string, from: number) => number;

export class BlockRewriter {
  /** Values the rewriter changed. */
  rewritten = 0;
  private readonly finders: Finder[];
  private readonly rewriteValue: (value: string) => string;

  /**
   * @param columns indexes of the fields the rewrite may touch
   * @param needles byte strings (COPY-escaped) a changeable value must contain; empty (and no host
   *   search on the rewriter) = every field
   */
  constructor(
    private readonly columns: ReadonlySet<number>,
    rewriter: ValueRewriter,
    needles: readonly Buffer[],
  ) {
    this.finders = needles.map((n) => {
      const needle = n.toString('latin1');
      return (text: string, from: number) => text.indexOf(needle, from);
    });
    const hosts = rewriter.hostSearch;
    if (hosts) this.finders.push((text, from) => nextHostIn(text, from, hosts));
    this.rewriteValue = rewriter.rewriteLatin1 ? rewriter.rewriteLatin1.bind(rewriter) : viaBuffer(rewriter);
  }

  /** `block` holds complete rows (ends with \n). Returns `block` itself when nothing changed. */
  rewrite(block: Buffer): Buffer {
    const text = block.toString('latin1');
    const out = new Splicer(block, text);
    const scan = new Scan(text, this.finders);
    while (scan.nextField()) {
      if (this.columns.has(scan.field)) this.rewriteField(text, scan.start, scan.end, out);
    }
    return out.finish();
  }

  private rewriteField(text: string, start: number, end: number, out: Splicer): void {
    if (start === end) return;
    if (end - start === 2 && text.charCodeAt(start) === 0x5c && text.charCodeAt(start + 1) === 0x4e) return; // \N: NULL
    const value = decodeLatin1(text.slice(start, end));
    const next = this.rewriteValue(value);
    if (next === value) return;
    out.replace(start, end, encodeLatin1(next));
    this.rewritten++;
  }
}

/** A Buffer-only rewriter behind the string interface. */
function viaBuffer(rewriter: ValueRewriter): (value: string) => string {
  return (value) => {
    const buf = Buffer.from(value, 'latin1');
    const out = rewriter.rewriteBuffer(buf);
    return out === buf ? value : out.toString('latin1');
  };
}

/**
 * Walks the fields of a block that hold a needle (every field when there are no needles), in order.
 * Each needle's and the tab's next position are cached, so the block is scanned about once per
 * needle however many rows match — also in one-column tables, where there is no tab at all.
 */
class Scan {
  /** Index of the current field in its row, and its [start, end) in the block. */
  field = 0;
  start = 0;
  end = -1;
  private rowEnd = -1;
  private readonly hits: number[];
  private tab = -2;

  constructor(
    private readonly text: string,
    private readonly finders: Finder[],
  ) {
    this.hits = finders.map(() => -2); // -2: not searched yet
  }

  /** Moves to the next field to look at; false at the end of the block. */
  nextField(): boolean {
    const text = this.text;
    const from = this.end + 1;
    if (from >= text.length) return false;
    const hit = this.nextHit(from);
    if (hit === -1) return false;
    if (hit > this.rowEnd) {
      // A new row: walk the row ends forward to the one after the hit (each \n is found once;
      // lastIndexOf back from the hit would rescan long rows char by char).
      let start = this.rowEnd + 1;
      let end = text.indexOf('\n', start); // rows are complete, so always found
      while (end < hit) {
        start = end + 1;
        end = text.indexOf('\n', start);
      }
      this.start = start;
      this.rowEnd = end;
      this.field = 0;
    } else {
      this.start = from; // the field after the one just seen, in the same row
      this.field++;
    }
    // Skip to the field the hit falls in.
    for (let tab = this.nextTab(this.start); tab !== -1 && tab < hit; tab = this.nextTab(this.start)) {
      this.field++;
      this.start = tab + 1;
    }
    const tab = this.nextTab(this.start);
    this.end = tab === -1 || tab > this.rowEnd ? this.rowEnd : tab;
    return true;
  }

  /** First position ≥ `from` inside a needle's match (`from` itself when there are no finders), or -1. */
  private nextHit(from: number): number {
    if (this.finders.length === 0) return from;
    let hit = -1;
    for (let k = 0; k < this.finders.length; k++) {
      let p = this.hits[k] as number;
      if (p !== -1 && p < from) this.hits[k] = p = (this.finders[k] as Finder)(this.text, from);
      if (p !== -1 && (hit === -1 || p < hit)) hit = p;
    }
    return hit;
  }

  private nextTab(from: number): number {
    if (this.tab !== -1 && this.tab < from) this.tab = this.text.indexOf('\t', from);
    return this.tab;
  }
}

/**
 * A block with some ranges replaced, built as one string (V8 keeps the slices as a rope, no copies)
 * and written to a Buffer once: a Buffer copy + write per changed field cost ~200 ns each.
 */
class Splicer {
  private out = '';
  private kept = 0; // block chars before this offset are already in `out`
  private changed = false;

  constructor(
    private readonly block: Buffer,
    private readonly text: string,
  ) {}

  /** Replaces [start, end) with `chars`; ranges come in increasing order. */
  replace(start: number, end: number, chars: string): void {
    this.out += this.text.slice(this.kept, start) + chars;
    this.kept = end;
    this.changed = true;
  }

  finish(): Buffer {
    if (!this.changed) return this.block;
    const all = this.out + this.text.slice(this.kept);
    const buf = Buffer.allocUnsafe(all.length);
    buf.write(all, 'latin1');
    return buf;
  }
}
