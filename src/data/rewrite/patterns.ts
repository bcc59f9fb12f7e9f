// Turns the user's pairs into the ordered replacement steps the rewriter applies, including the
// JSON-escaped form of each pair (`https:\/\/old.example`), as wp-cli does since PR #213.
import { ValidationError } from '../../util/errors.js';
import type { Replacement } from '../types.js';

export interface Step {
  from: string;
  to: string;
  /** Only in case-insensitive mode: matches `from` with ASCII letters folded. */
  re?: RegExp;
}

export interface CompiledPairs {
  /** Applied in order, each to the output of the previous one (PHP str_replace semantics). */
  steps: Step[];
  /**
   * Cheap pre-check: a value can only change if it contains one of these. Each is a piece of a
   * search string that every escaped form of it also contains, so one `includes` covers them all.
   */
  sentinels: string[];
  /** Case-insensitive mode: one regex over every step. */
  anyRe?: RegExp;
}

/** `json_encode($s)` without the quotes, PHP defaults: `/` escaped, non-ASCII as \uXXXX. */
export function phpJsonEscape(s: string, escapeUnicode = true): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '/') out += '\\/';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || (escapeUnicode && c > 0x7e)) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** The forms a search string takes in stored data: plain, then JSON-escaped variants. */
export function escapedForms(p: Replacement): Replacement[] {
  const forms: Replacement[] = [p];
  const seen = new Set([p.from]);
  const add = (from: string, to: string) => {
    if (seen.has(from)) return;
    seen.add(from);
    forms.push({ from, to });
  };
  add(phpJsonEscape(p.from), phpJsonEscape(p.to));
  // JSON written with JSON_UNESCAPED_UNICODE still escapes slashes.
  add(phpJsonEscape(p.from, false), phpJsonEscape(p.to, false));
  return forms;
}

/** Longest run of `s` that JSON escaping leaves alone: every escaped form contains it. */
function sentinelOf(s: string): string {
  let best = '';
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : -1;
    const changes = c === -1 || c === 0x22 || c === 0x5c || c === 0x2f || c < 0x20 || c > 0x7e;
    if (changes) {
      if (i - start > best.length) best = s.slice(start, i);
      start = i + 1;
    }
  }
  return best;
}

function asciiFoldRegex(s: string, flags: string): RegExp {
  let src = '';
  for (const ch of s) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (/^[a-z]$/.test(lo) && lo !== up) src += `[${lo}${up}]`;
    else src += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(src, flags);
}

export function validatePairs(pairs: readonly Replacement[]): void {
  pairs.forEach((p, i) => {
    if (typeof p?.from !== 'string' || typeof p?.to !== 'string') {
      throw new ValidationError(`pairs[${i}]`, 'each replacement needs a string `from` and a string `to`');
    }
    if (p.from.length === 0) {
      throw new ValidationError(`pairs[${i}].from`, 'the search string must not be empty', {
        provided: p.from,
      });
    }
  });
}

/**
 * Steps for each pair in order. Pairs whose `from` equals `to` are dropped (no-op, as in wp-cli).
 * `encode` maps a string to the representation values are searched in (identity for JS strings,
 * UTF-8 bytes as latin1 for the Buffer path).
 */
export function compilePairs(
  pairs: readonly Replacement[],
  caseSensitive: boolean,
  encode: (s: string) => string = (s) => s,
): CompiledPairs {
  validatePairs(pairs);
  const steps: Step[] = [];
  const sentinels = new Set<string>();
  for (const p of pairs) {
    if (p.from === p.to) continue;
    const forms = escapedForms(p);
    for (const f of forms) {
      const step: Step = { from: encode(f.from), to: encode(f.to) };
      if (!caseSensitive) step.re = asciiFoldRegex(step.from, 'g');
      steps.push(step);
    }
    const core = sentinelOf(p.from);
    // A short core would make the pre-check pass on most values; test every form instead.
    if (core.length >= 3 || core === p.from) sentinels.add(encode(core));
    else for (const f of forms) sentinels.add(encode(f.from));
  }
  const compiled: CompiledPairs = { steps, sentinels: [...sentinels] };
  if (!caseSensitive && steps.length > 0) {
    compiled.anyRe = new RegExp(steps.map((s) => (s.re as RegExp).source).join('|'));
  }
  return compiled;
}
