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
  /** Any needle, any case, anywhere (not only whole): the cheap pre-check. */
  probe: RegExp;
  /** `probe`, global: finds candidates, whose edges are then checked in JS. */
  finder: RegExp;
  /** Offset of each needle's first dot (undefined when some needle has none), and the smallest. */
  dotAt?: number[];
  minDot: number;
}

export interface CompiledHosts extends HostSearch {
  /** Lower-cased source host → its replacement. */
  to: Map<string, string>;
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
  return { ...hostSearch(sorted.map((p) => p.from)), to: new Map(sorted.map((p) => [p.from, p.to])) };
}

/** A search for these hosts (any case, whole hosts only), longest first. */
export function hostSearch(hosts: readonly string[]): HostSearch {
  const needles = [...new Set(hosts.map((h) => h.toLowerCase()))].sort(
    (a, b) => b.length - a.length || (a < b ? -1 : 1),
  );
  return {
    needles,
    probe: needleRegex(needles, 'i'),
    finder: needleRegex(needles, 'gi'),
    ...(needles.every((n) => n.includes('.')) ? { dotAt: needles.map((n) => n.indexOf('.')) } : {}),
    minDot: Math.min(...needles.map((n) => Math.max(0, n.indexOf('.')))),
  };
}

/**
 * A regex for any of `needles` in any letter case. V8 scans a case-insensitive literal with a
 * Boyer-Moore lookahead about as fast as `includes` (lower-casing each value first cost 4x).
 */
export function needleRegex(needles: readonly string[], flags: string): RegExp {
  return new RegExp(needles.map(escapeRe).join('|'), flags);
}

/** Longer values are searched with the case-insensitive RegExp: its scan skips ahead (Boyer-Moore). */
const LONG = 128;

/**
 * Whether `value` holds a needle in any letter case. Short values: a dot never changes case, and
 * every needle with one has it at a known offset, so `indexOf('.')` finds the only places a needle
 * can start, each checked in JS (a RegExp call costs more than that on a short value). Long values
 * and single-label hosts (`localhost`): the case-insensitive RegExp, whose scan skips ahead.
 */
export function mayHoldHost(value: string, c: HostSearch): boolean {
  if (c.dotAt === undefined || value.length > LONG) return c.probe.test(value);
  const { needles, dotAt } = c;
  for (let p = value.indexOf('.', c.minDot); p !== -1; p = value.indexOf('.', p + 1)) {
    for (let k = 0; k < needles.length; k++) {
      if (foldedAt(value, p - (dotAt[k] as number), needles[k] as string)) return true;
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
  if (hits.length === 0) return value;
  hits.sort((a, b) => a.at - b.at);
  let out = '';
  let kept = 0;
  for (const h of hits) {
    if (h.at < kept) continue; // the same host found through two of its dots
    out += value.slice(kept, h.at) + (c.to.get(c.needles[h.k] as string) as string);
    kept = h.at + (c.needles[h.k] as string).length;
  }
  return out + value.slice(kept);
}

interface Hit {
  at: number;
  /** Index of the needle (longest first). */
  k: number;
}

/** Every whole-host match: dot-anchored candidates (see mayHoldHost), or the RegExp without dots. */
function wholeHits(value: string, c: HostSearch): Hit[] {
  const hits: Hit[] = [];
  const { needles, dotAt } = c;
  if (dotAt === undefined || value.length > LONG) {
    const find = c.finder;
    find.lastIndex = 0;
    for (let m = find.exec(value); m !== null; m = find.exec(value)) {
      const at = m.index;
      const k = needles.indexOf(m[0].toLowerCase());
      if (isWholeHostAt(value, at, at + m[0].length)) hits.push({ at, k });
      else find.lastIndex = at + 1;
    }
    return hits;
  }
  for (let p = value.indexOf('.', c.minDot); p !== -1; p = value.indexOf('.', p + 1)) {
    for (let k = 0; k < needles.length; k++) {
      const n = needles[k] as string;
      const at = p - (dotAt[k] as number);
      if (foldedAt(value, at, n) && isWholeHostAt(value, at, at + n.length)) {
        hits.push({ at, k });
        break; // longest first: a shorter host at the same dot is not whole here
      }
    }
  }
  return hits;
}

/** Whole-host occurrences of `host` in `value` (the leftovers check uses the same rule as the rewrite). */
export function countHost(value: string, search: HostSearch): number {
  return wholeHits(value, search).length;
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

/** `mayHoldHost` on raw bytes: short values in a JS loop (a Buffer method call costs ~150 ns). */
export function bytesMayHoldHost(value: Buffer, c: HostSearch): boolean {
  if (value.length > 256 || c.dotAt === undefined) return mayHoldHost(value.toString('latin1'), c);
  const { needles, dotAt } = c;
  for (let p = c.minDot; p < value.length; p++) {
    if (value[p] !== 0x2e) continue;
    for (let k = 0; k < needles.length; k++) {
      const n = needles[k] as string;
      const at = p - (dotAt[k] as number);
      if (at < 0 || at + n.length > value.length) continue;
      let j = 0;
      while (j < n.length && fold(value[at + j] as number) === n.charCodeAt(j)) j++;
      if (j === n.length) return true;
    }
  }
  return false;
}
