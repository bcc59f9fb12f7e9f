// The per-value rewrite the MySQL engine applies to raw column bytes (`typeCast: false`) before
// they are encoded for LOAD DATA / INSERT.
//
// Most values hold no search string. Asking Buffer.indexOf costs ~150 ns a call whatever the length
// (a trip into C++), which on short values (postmeta keys, titles, slugs) was most of the rewrite's
// cost; a plain JS loop over a short Buffer costs a few ns. Long values still go to indexOf (memmem).
// Values that do hold one are rewritten as latin1 strings (one char per byte) with the rewriter's
// `rewriteLatin1`: V8's string builtins instead of a Buffer per piece.
import { bytesMayHoldHost, type Rewriter } from '../rewrite/index.js';

/** Up to this many bytes a value is scanned in JS; longer ones with Buffer.indexOf. */
const SHORT = 256;

/**
 * `rewriter.rewriteBuffer`, same bytes out, returning the SAME Buffer when nothing changed.
 * @param needles strings every value the rewriter can change contains (as UTF-8 bytes): for a
 *   case-sensitive rewriter its `searchStrings`. Without a common run of 3+ bytes (or with none):
 *   `rewriteBuffer` itself.
 */
export function createValueRewrite(
  rewriter: Rewriter,
  needles: readonly string[],
): (value: Buffer) => Buffer {
  const core = commonCore(needles.map((n) => Buffer.from(n, 'utf8')));
  const rewrite = (value: Buffer): Buffer => {
    const text = value.toString('latin1');
    const out = rewriter.rewriteLatin1(text);
    return out === text ? value : Buffer.from(out, 'latin1');
  };
  const hosts = rewriter.hostSearch;
  if (hosts) {
    // Host mode: hosts in any letter case; literal pairs (if any) through their common core.
    if (needles.length > 0 && !core) return (value) => rewriter.rewriteBuffer(value);
    return (value) =>
      (core !== undefined && contains(value, core)) || bytesMayHoldHost(value, hosts)
        ? rewrite(value)
        : value;
  }
  if (!core) return (value) => rewriter.rewriteBuffer(value);
  return (value) => (contains(value, core) ? rewrite(value) : value);
}

function contains(value: Buffer, needle: Buffer): boolean {
  const n = value.length;
  const m = needle.length;
  if (n > SHORT) return value.indexOf(needle) !== -1;
  const first = needle[0] as number;
  for (let i = 0, last = n - m; i <= last; i++) {
    if (value[i] !== first) continue;
    let j = 1;
    while (j < m && value[i + j] === needle[j]) j++;
    if (j === m) return true;
  }
  return false;
}

/**
 * The longest byte run all needles contain (so one search answers for all of them), or undefined
 * when there are none or the run is too short to filter anything (under 3 bytes).
 */
export function commonCore(needles: readonly Buffer[]): Buffer | undefined {
  if (needles.length === 0) return undefined;
  const shortest = needles.reduce((a, b) => (b.length < a.length ? b : a));
  for (let len = shortest.length; len >= 3; len--) {
    for (let at = 0; at + len <= shortest.length; at++) {
      const run = shortest.subarray(at, at + len);
      if (needles.every((n) => n.indexOf(run) !== -1)) return Buffer.from(run);
    }
  }
  return undefined;
}
