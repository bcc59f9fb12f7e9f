// Plain-text replacement: every step in order. Returns the same string (or Buffer) when nothing matched.
import type { CompiledPairs } from './patterns.js';

export function mayMatch(value: string, c: CompiledPairs): boolean {
  if (c.anyRe) return c.anyRe.test(value);
  const s = c.sentinels;
  for (let i = 0; i < s.length; i++) if (value.includes(s[i] as string)) return true;
  return false;
}

export function replaceText(value: string, c: CompiledPairs): string {
  let out = value;
  for (const step of c.steps) {
    if (step.re) {
      step.re.lastIndex = 0;
      if (step.re.test(out)) {
        step.re.lastIndex = 0;
        const to = step.to;
        out = out.replace(step.re, () => to);
      }
    } else {
      out = replaceAllPlain(out, step.from, step.to);
    }
  }
  return out;
}

/**
 * Every non-overlapping occurrence of `from`, left to right, replaced by `to` taken literally (no `$&`
 * patterns): what split/join did, in a quarter of the time (no arrays, V8 builds a rope).
 */
function replaceAllPlain(value: string, from: string, to: string): string {
  let at = value.indexOf(from);
  if (at === -1) return value;
  if (from.length === 0) return value.split(from).join(to); // not reachable: pairs are validated
  let out = '';
  let kept = 0;
  while (at !== -1) {
    out += value.slice(kept, at) + to;
    kept = at + from.length;
    at = value.indexOf(from, kept);
  }
  return out + value.slice(kept);
}

/** A case-sensitive step on raw bytes (the UTF-8 bytes of `from` and `to`). */
export interface ByteStep {
  from: Buffer;
  to: Buffer;
}

/**
 * `replaceText` on bytes: each step in order, leftmost non-overlapping matches, like split/join.
 * Found with indexOf (memchr-speed) and glued with one Buffer.concat per step that matched, so a
 * long post body is never turned into a JS string and back. Returns the same Buffer when no step
 * matched (a result equal to the input can still be a new Buffer: callers compare contents).
 */
export function replaceBytes(value: Buffer, steps: readonly ByteStep[]): Buffer {
  let out = value;
  for (const step of steps) {
    let at = out.indexOf(step.from);
    if (at === -1) continue;
    const parts: Buffer[] = [];
    let from = 0;
    while (at !== -1) {
      if (at > from) parts.push(out.subarray(from, at));
      parts.push(step.to);
      from = at + step.from.length;
      at = out.indexOf(step.from, from);
    }
    if (from < out.length) parts.push(out.subarray(from));
    out = Buffer.concat(parts);
  }
  return out;
}
