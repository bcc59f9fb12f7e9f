// `createRewriter`: the per-value function the copy engines call inside their streams.
// Hot path: a value containing none of the search strings is returned as is, after a few
// `includes` calls and no allocation.
import { isUtf8 } from 'node:buffer';
import type { Replacement } from '../types.js';
import {
  bytesMayHoldHost,
  compileHosts,
  mayHoldHost,
  replaceHosts,
  type CompiledHosts,
  type HostSearch,
} from './hosts.js';
import { compilePairs, type CompiledPairs } from './patterns.js';
import { mayMatch, replaceBytes, replaceText, type ByteStep } from './plain.js';
import { looksSerialized, looksSerializedBytes, rewriteSerialized, type ByteMode } from './serialized.js';

export interface RewriterOptions {
  /** Default true, like wp-cli. False folds ASCII letters only (host names and schemes). */
  caseSensitive?: boolean;
  /** Host mode: OLD=NEW host names, replaced only as whole hosts, any letter case, after the literal pairs. */
  hosts?: Replacement[];
}

export interface RewriteStats {
  /** Values passed to rewrite() / rewriteBuffer(). */
  values: number;
  /** Values returned changed. */
  changed: number;
  /** Values that looked serialized and contained a search string but did not parse: left untouched. */
  malformed: number;
}

export interface Rewriter {
  /** Returns the SAME string (===) when nothing matches. */
  rewrite(value: string): string;
  /** Byte-exact variant for raw column bytes; returns the SAME Buffer when nothing matches. */
  rewriteBuffer(value: Buffer): Buffer;
  /**
   * `rewriteBuffer` for raw bytes held one char per byte (`buf.toString('latin1')`): the same bytes out,
   * as such a string; the SAME string when nothing matches. Lets a stream scan and rewrite with
   * V8's string builtins instead of one Buffer object per field.
   */
  rewriteLatin1(value: string): string;
  readonly pairs: Replacement[];
  /** Every form searched for (plain and JSON-escaped): a value can only change if it contains one. */
  readonly searchStrings: string[];
  /** Lower-cased source hosts of host mode: a value can only change through them if it holds one in any case. */
  readonly hostNeedles: string[];
  /** Host mode's search (any case), for streams that pre-scan whole blocks; absent without hosts. */
  readonly hostSearch?: HostSearch;
  /** Cheap pre-check on a JS string: false means rewrite() would return it unchanged. */
  mayChange(value: string): boolean;
  /** True when there is nothing to replace (no pairs, or every pair is a no-op). */
  readonly isNoop: boolean;
  stats: RewriteStats;
}

const holdsAny = (value: Buffer, needles: readonly Buffer[]) => needles.some((n) => value.indexOf(n) !== -1);
const latin1OfUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
/** No lone surrogates: the string and its UTF-8 bytes match in exactly the same places. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

/**
 * Steps for replacing directly in a Buffer, or undefined when that could differ from the string way:
 * case-insensitive mode (regexes) or a lone surrogate in a pair (it has no UTF-8 form of its own).
 */
function byteStepsFor(
  pairs: readonly Replacement[],
  bytes: CompiledPairs,
  caseSensitive: boolean,
): ByteStep[] | undefined {
  if (!caseSensitive || !pairs.every((p) => wellFormed(p.from) && wellFormed(p.to))) return undefined;
  return bytes.steps.map((s) => ({ from: Buffer.from(s.from, 'latin1'), to: Buffer.from(s.to, 'latin1') }));
}

export function createRewriter(pairs: Replacement[], opts: RewriterOptions = {}): Rewriter {
  const caseSensitive = opts.caseSensitive ?? true;
  const text = compilePairs(pairs, caseSensitive);
  const bytes = compilePairs(pairs, caseSensitive, latin1OfUtf8);
  const byteSentinels = bytes.sentinels.map((s) => Buffer.from(s, 'latin1'));
  const byteSteps = byteStepsFor(pairs, bytes, caseSensitive);
  const stats: RewriteStats = { values: 0, changed: 0, malformed: 0 };
  const hosts: CompiledHosts | undefined = opts.hosts ? compileHosts(opts.hosts) : undefined;
  const noop = text.steps.length === 0 && !hosts;
  const hasLiteral = text.steps.length > 0;

  // One level of a value: serialized → walk it (payloads recurse here: double serialization),
  // otherwise plain replacement. Malformed serialized data is left as it was.
  const rewriteIn = (c: CompiledPairs, mode: ByteMode) => {
    const inner = (value: string): string => {
      const literal = hasLiteral && mayMatch(value, c);
      if (!literal && hosts === undefined) return value;
      if (looksSerialized(value)) {
        if (!literal && !(hosts !== undefined && mayHoldHost(value, hosts))) return value;
        const out = rewriteSerialized(value, mode, inner);
        if (out === null) {
          stats.malformed++;
          return value;
        }
        return out;
      }
      // Not serialized: replaceHosts finds the hosts itself (one scan, not a pre-check and a search).
      const out = literal ? replaceText(value, c) : value;
      return hosts !== undefined ? replaceHosts(out, hosts) : out;
    };
    return inner;
  };
  const rewriteText = rewriteIn(text, 'utf8');
  const rewriteBytes = rewriteIn(bytes, 'bytes');

  return {
    pairs: pairs.map((p) => ({ ...p })),
    searchStrings: [...new Set(text.steps.map((s) => s.from))],
    hostNeedles: hosts ? [...hosts.needles] : [],
    ...(hosts ? { hostSearch: hosts } : {}),
    mayChange: (value) =>
      !noop && ((hasLiteral && mayMatch(value, text)) || (hosts !== undefined && mayHoldHost(value, hosts))),
    isNoop: noop,
    stats,
    rewrite(value: string): string {
      stats.values++;
      if (noop) return value;
      const out = rewriteText(value);
      if (out !== value) stats.changed++;
      return out;
    },
    rewriteLatin1(value: string): string {
      if (!byteSteps) {
        // Case-insensitive or lone surrogates: only the Buffer path knows when to decode UTF-8.
        const buf = Buffer.from(value, 'latin1');
        const out = this.rewriteBuffer(buf);
        return out === buf ? value : out.toString('latin1');
      }
      // Byte mode gives the UTF-8 mode's bytes here (see byteStepsFor): a serialized string's byte
      // count cannot end inside a UTF-8 character without the next byte failing the `"` check.
      stats.values++;
      if (noop) return value;
      const out = rewriteBytes(value);
      if (out !== value) stats.changed++;
      return out;
    },
    rewriteBuffer(value: Buffer): Buffer {
      stats.values++;
      if (noop) return value;
      if (hosts) {
        // Host mode works on one char per byte (hosts are ASCII): the bytes way for every value that
        // may change; the others are checked on their bytes, without decoding.
        if (
          !(hasLiteral && (!caseSensitive || holdsAny(value, byteSentinels))) &&
          !bytesMayHoldHost(value, hosts)
        )
          return value;
        const str = value.toString('latin1');
        const out = rewriteBytes(str);
        if (out === str) return value;
        stats.changed++;
        return Buffer.from(out, 'latin1');
      }
      if (caseSensitive && !holdsAny(value, byteSentinels)) return value;
      // A plain (not serialized) value: replaced in place on its bytes. In valid UTF-8 the bytes of
      // a well-formed search string match exactly where the string would, and invalid UTF-8 is
      // replaced byte for byte either way, so this gives the string path's bytes without decoding.
      if (byteSteps && !looksSerializedBytes(value)) {
        const out = replaceBytes(value, byteSteps);
        if (out === value || out.equals(value)) return value;
        stats.changed++;
        return out;
      }
      // Serialized: valid UTF-8 goes the string way (cheaper); anything else is handled byte for byte.
      if (isUtf8(value)) {
        const str = value.toString('utf8');
        const out = rewriteText(str);
        if (out === str) return value;
        stats.changed++;
        return Buffer.from(out, 'utf8');
      }
      const str = value.toString('latin1');
      const out = rewriteBytes(str);
      if (out === str) return value;
      stats.changed++;
      return Buffer.from(out, 'latin1');
    },
  };
}
