// Host mode: OLD=NEW pairs of host names, matched only as a whole host. A host is whole when the
// character before it cannot continue a host name (nor is `@`: an e-mail address's domain is the
// customer's, not the site's) and the text after it does not continue the name (`.au`, `-x`).
// Hosts are ASCII and survive JSON escaping and URL encoding unchanged, so one rule covers
// `https://h/`, `https:\/\/h\/`, `https%3A%2F%2Fh%2F`, `//h`, and a bare `h` (wp_blogs.domain);
// a URL-encoded `/` (`%2F`, `%252F`) before the host counts as a separator although it ends in a letter.
import { ValidationError } from '../../util/errors.js';
import type { Replacement } from '../types.js';

/** Letters, digits, hyphens (and `_`, seen in some internal names), dot-separated; no scheme, no port. */
const HOST = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/i;

/** How to find whole hosts in text, fast (see mayHoldHost). */
export interface HostSearch {
  /** Lower-cased source hosts: a value can only change if it contains one, in any letter case. */
  needles: string[];
  /** Where to look: each needle is found through one rare piece of it (see anchorsFor). */
  anchors: Anchor[];
  /** Any needle, any case, anywhere (not only whole), global: the block scan of nextHostIn. */
  finder: RegExp;
}

/**
 * A piece of one or more needles that is searched for with `indexOf` in each of its letter cases;
 * a needle can only start `offsets[i]` chars before where the piece is found.
 */
export interface Anchor {
  /** The piece in every case it can take: a letter twice (lower, upper), digits and `-._` once. */
  forms: string[];
  /** First byte of each form: what Buffer.indexOf looks for. */
  firstBytes: number[];
  /** Indexes into `needles`, longest first, and where the piece sits in each. */
  needles: number[];
  offsets: number[];
}

export interface CompiledHosts extends HostSearch {
  /** Lower-cased source host → its replacement. */
  to: Map<string, string>;
  /** The replacement of each of `needles`, by index. */
  toByIndex: string[];
}

export function isHostName(s: string): boolean {
  return HOST.test(s);
}

/** Each pair's both sides must be host names; a host mapped twice must map to the same place. */
export function validateHostPairs(pairs: readonly Replacement[], field = 'hosts'): Replacement[] {
  const seen = new Map<string, string>();
  const out: Replacement[] = [];
  pairs.forEach((p, i) => {
    for (const side of ['from', 'to'] as const) {
      const v = p?.[side];
      if (typeof v !== 'string' || !isHostName(v)) {
        throw new ValidationError(
          `${field}[${i}].${side}`,
          `${field}[${i}].${side} must be a host name: a host rewrite maps one host to another (like www.example.com=staging.up.railway.app), no scheme, path, port or @`,
          { provided: v },
        );
      }
    }
    const from = p.from.toLowerCase();
    const to = p.to.toLowerCase();
    const earlier = seen.get(from);
    if (earlier !== undefined && earlier !== to) {
      throw new ValidationError(
        `${field}[${i}].from`,
        `host ${from} is mapped twice, to ${earlier} and to ${to}`,
        { provided: p.from },
      );
    }
    if (earlier === undefined) out.push({ from, to });
    seen.set(from, to);
  });
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Undefined when no pair changes anything (every host mapped to itself is a "keep"). */
export function compileHosts(pairs: readonly Replacement[]): CompiledHosts | undefined {
  const valid = validateHostPairs(pairs).filter((p) => p.from !== p.to);
  if (valid.length === 0) return undefined;
  // Longest first: with alternation the first alternative that matches wins.
  const sorted = [...valid].sort((a, b) => b.from.length - a.from.length || (a.from < b.from ? -1 : 1));
  const search = hostSearch(sorted.map((p) => p.from));
  const to = new Map(sorted.map((p) => [p.from, p.to]));
  return { ...search, to, toByIndex: search.needles.map((n) => to.get(n) as string) };
}

/** A search for these hosts (any case, whole hosts only), longest first. */
export function hostSearch(hosts: readonly string[]): HostSearch {
  const needles = [...new Set(hosts.map((h) => h.toLowerCase()))].sort(
    (a, b) => b.length - a.length || (a < b ? -1 : 1),
  );
  return { needles, anchors: anchorsFor(needles), finder: needleRegex(needles, 'gi') };
}

/**
 * Host-name chars from the commonest in stored text (English letter frequencies, digits and `.` as
 * in web data) to the rarest: the rarer the anchor, the fewer places to check. `indexOf` of one char
 * runs at memchr speed, about twice the case-insensitive RegExp's scan even when run twice (x and X).
 */
const COMMON_FIRST = 'etaoinshrdlcumwfgyp0123456789b.v-k_jxqz';
const rarity = (ch: string) => COMMON_FIRST.indexOf(ch);

/**
 * Each needle's anchor: a run of 2+ chars that have no case (digits, `-`, `.`, `_`: one scan, and
 * rare), else its rarest char. Needles with the same anchor share its scans.
 */
function anchorsFor(needles: readonly string[]): Anchor[] {
  const byPiece = new Map<string, Anchor>();
  needles.forEach((n, k) => {
    const [piece, at] = anchorOf(n);
    let a = byPiece.get(piece);
    if (!a) {
      const up = piece.toUpperCase();
      const forms = up === piece ? [piece] : [piece, up];
      a = { forms, firstBytes: forms.map((f) => f.charCodeAt(0)), needles: [], offsets: [] };
      byPiece.set(piece, a);
    }
    a.needles.push(k);
    a.offsets.push(at);
  });
  return [...byPiece.values()];
}

function anchorOf(needle: string): [string, number] {
  const runs = [...needle.matchAll(/[^a-z]{2,}/g)];
  if (runs.length > 0) {
    const best = runs.reduce((a, b) => ((b[0] as string).length > (a[0] as string).length ? b : a));
    return [best[0] as string, best.index as number];
  }
  let at = 0;
  for (let i = 1; i < needle.length; i++) {
    if (rarity(needle[i] as string) > rarity(needle[at] as string)) at = i;
  }
  return [needle[at] as string, at];
}

/**
 * A regex for any of `needles` in any letter case. V8 scans a case-insensitive literal with a
 * Boyer-Moore lookahead about as fast as `includes` (lower-casing each value first cost 4x).
 */
export function needleRegex(needles: readonly string[], flags: string): RegExp {
  return new RegExp(needles.map(escapeRe).join('|'), flags);
}

/** Whether `value` holds a needle in any letter case (whole or not): the cheap pre-check. */
export function mayHoldHost(value: string, c: HostSearch): boolean {
  const { needles, anchors } = c;
  for (let g = 0; g < anchors.length; g++) {
    const a = anchors[g] as Anchor;
    for (let f = 0; f < a.forms.length; f++) {
      const form = a.forms[f] as string;
      for (let p = value.indexOf(form); p !== -1; p = value.indexOf(form, p + 1)) {
        for (let i = 0; i < a.needles.length; i++) {
          if (foldedAt(value, p - (a.offsets[i] as number), needles[a.needles[i] as number] as string))
            return true;
        }
      }
    }
  }
  return false;
}

/** `value` holds `lower` at `at`, ASCII letters compared without case. */
function foldedAt(value: string, at: number, lower: string): boolean {
  if (at < 0 || at + lower.length > value.length) return false;
  for (let j = 0; j < lower.length; j++)
    if (fold(value.charCodeAt(at + j)) !== lower.charCodeAt(j)) return false;
  return true;
}

const fold = (c: number) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

/** [A-Za-z0-9_-]: continues a host label. */
function isLabelChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x2d
  );
}

/** `%2F` or `%252F` (any case) ends at `at`: a URL-encoded slash, once or twice. */
function encodedSlashBefore(s: string, at: number): boolean {
  const tail = s.slice(Math.max(0, at - 5), at).toUpperCase();
  return tail.endsWith('%2F') || tail === '%252F';
}

/**
 * The match [at, end) is a whole host: the character before is none of [A-Za-z0-9_.@-] (or is the
 * end of `%2F`), and what follows is neither [A-Za-z0-9_-] nor a dot starting another label.
 * Checked in JS: the same rule as a regex with lookbehind loses V8's fast literal scan (4x slower).
 */
export function isWholeHostAt(s: string, at: number, end: number): boolean {
  if (at > 0) {
    const b = s.charCodeAt(at - 1);
    if (isLabelChar(b) || b === 0x2e || b === 0x40) {
      if (!((b === 0x46 || b === 0x66) && encodedSlashBefore(s, at))) return false;
    }
  }
  if (end < s.length) {
    const a = s.charCodeAt(end);
    if (isLabelChar(a)) return false;
    if (a === 0x2e && end + 1 < s.length && isLabelChar(s.charCodeAt(end + 1))) return false;
  }
  return true;
}

/**
 * Every whole-host occurrence replaced in one left-to-right pass: pairs never feed each other.
 * Whole-host matches never overlap (a host inside another is preceded by a letter or dot, or
 * followed by one), so they can be found in any order and applied sorted by position.
 */
export function replaceHosts(value: string, c: CompiledHosts): string {
  const hits = wholeHits(value, c);
  if (hits === NONE) return value;
  if (!inOrder(hits)) sortHits(hits);
  let out = '';
  let kept = 0;
  for (let h = 0; h < hits.length; h += 2) {
    const at = hits[h] as number;
    const k = hits[h + 1] as number;
    if (at < kept) continue; // defensive: whole-host matches do not overlap
    out += value.slice(kept, at) + (c.toByIndex[k] as string);
    kept = at + (c.needles[k] as string).length;
  }
  return out + value.slice(kept);
}

/** No hits: shared, so a value without a host allocates nothing. */
const NONE: number[] = [];

/** Hits are flat [at, needle index, at, needle index, …]. */
function inOrder(hits: readonly number[]): boolean {
  for (let h = 2; h < hits.length; h += 2) if ((hits[h] as number) < (hits[h - 2] as number)) return false;
  return true;
}

function sortHits(hits: number[]): void {
  const pairs: [number, number][] = [];
  for (let h = 0; h < hits.length; h += 2) pairs.push([hits[h] as number, hits[h + 1] as number]);
  pairs.sort((x, y) => x[0] - y[0]);
  pairs.forEach(([at, k], i) => {
    hits[2 * i] = at;
    hits[2 * i + 1] = k;
  });
}

/** Every whole-host match as flat [at, needle index, …] (NONE when none), found through the anchors. */
function wholeHits(value: string, c: HostSearch): number[] {
  let hits = NONE;
  const { needles, anchors } = c;
  for (let g = 0; g < anchors.length; g++) {
    const a = anchors[g] as Anchor;
    for (let f = 0; f < a.forms.length; f++) {
      const form = a.forms[f] as string;
      for (let p = value.indexOf(form); p !== -1; p = value.indexOf(form, p + 1)) {
        for (let i = 0; i < a.needles.length; i++) {
          const k = a.needles[i] as number;
          const n = needles[k] as string;
          const at = p - (a.offsets[i] as number);
          if (foldedAt(value, at, n) && isWholeHostAt(value, at, at + n.length)) {
            if (hits === NONE) hits = [];
            hits.push(at, k);
            break; // longest first: a shorter host sharing this anchor is not whole here
          }
        }
      }
    }
  }
  return hits;
}

/** Whole-host occurrences of `host` in `value` (the leftovers check uses the same rule as the rewrite). */
export function countHost(value: string, search: HostSearch): number {
  return wholeHits(value, search).length / 2;
}

/**
 * For a stream scanning a whole block (one char per byte): where the first occurrence of a needle
 * (any case) at or after `from` starts, or -1. A needle never spans a field separator, so the
 * position names the field it is in. The RegExp's skipping scan: a block is long and dotted.
 */
export function nextHostIn(text: string, from: number, c: HostSearch): number {
  const find = c.finder;
  find.lastIndex = from;
  return find.exec(text)?.index ?? -1;
}

/**
 * `mayHoldHost` on raw bytes, without decoding them. Buffer.indexOf of a byte is a fast call
 * (~10 ns, memchr), unlike indexOf of a string or Buffer (~130 ns) or a JS loop (~2 ns a byte).
 */
export function bytesMayHoldHost(value: Buffer, c: HostSearch): boolean {
  const { needles, anchors } = c;
  for (let g = 0; g < anchors.length; g++) {
    const a = anchors[g] as Anchor;
    for (let f = 0; f < a.firstBytes.length; f++) {
      const b = a.firstBytes[f] as number;
      for (let p = value.indexOf(b); p !== -1; p = value.indexOf(b, p + 1)) {
        if (bytesAnchoredAt(value, p, a, needles)) return true;
      }
    }
  }
  return false;
}

/** Some needle of `a` is in `value`, any case, with its anchor at `p`. */
function bytesAnchoredAt(value: Buffer, p: number, a: Anchor, needles: readonly string[]): boolean {
  for (let i = 0; i < a.needles.length; i++) {
    const n = needles[a.needles[i] as number] as string;
    const at = p - (a.offsets[i] as number);
    if (at < 0 || at + n.length > value.length) continue;
    let j = 0;
    while (j < n.length && fold(value[at + j] as number) === n.charCodeAt(j)) j++;
    if (j === n.length) return true;
  }
  return false;
}
