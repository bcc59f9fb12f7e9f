// Plain-text replacement: every step in order. Returns the same string when nothing matched.
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
    } else if (out.includes(step.from)) {
      // split/join: no `$&` interpretation of the replacement, and fast in V8.
      out = out.split(step.from).join(step.to);
    }
  }
  return out;
}
