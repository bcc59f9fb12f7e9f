// Test-only PHP serialization model, encoder and decoder. Written independently of src/ (it works
// on Buffers, src works on strings) so the two can check each other.

export type PKey = { k: 'i'; raw: string } | { k: 's'; v: string };
export type PVal =
  | { k: 'N' }
  | { k: 'b'; v: boolean }
  | { k: 'i'; raw: string }
  | { k: 'd'; raw: string }
  | { k: 's'; v: string }
  | { k: 'a'; entries: [PKey, PVal][] }
  | { k: 'O'; cls: string; entries: [PKey, PVal][] }
  | { k: 'C'; cls: string; payload: string }
  | { k: 'r'; raw: string };

const bl = (s: string) => Buffer.byteLength(s, 'utf8');

export function encode(v: PVal | PKey): string {
  switch (v.k) {
    case 'N':
      return 'N;';
    case 'b':
      return `b:${v.v ? 1 : 0};`;
    case 'i':
      return `i:${v.raw};`;
    case 'd':
      return `d:${v.raw};`;
    case 's':
      return `s:${bl(v.v)}:"${v.v}";`;
    case 'r':
      return `r:${v.raw};`;
    case 'a':
      return `a:${v.entries.length}:{${v.entries.map(([k, x]) => encode(k) + encode(x)).join('')}}`;
    case 'O':
      return `O:${bl(v.cls)}:"${v.cls}":${v.entries.length}:{${v.entries.map(([k, x]) => encode(k) + encode(x)).join('')}}`;
    case 'C':
      return `C:${bl(v.cls)}:"${v.cls}":${bl(v.payload)}:{${v.payload}}`;
  }
}

/** Strict decoder on UTF-8 bytes; throws on anything malformed or trailing. */
export function decode(text: string): PVal {
  const buf = Buffer.from(text, 'utf8');
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`decode: ${why} at byte ${pos}`);
  };
  const lit = (s: string) => {
    if (buf.toString('latin1', pos, pos + s.length) !== s) fail(`expected ${s}`);
    pos += s.length;
  };
  const until = (ch: string, re: RegExp) => {
    const end = buf.indexOf(ch, pos);
    if (end < 0) fail(`no ${ch}`);
    const raw = buf.toString('latin1', pos, end);
    if (!re.test(raw)) fail(`bad token ${raw}`);
    pos = end + 1;
    return raw;
  };
  const bytesStr = (n: number) => {
    if (pos + n > buf.length) fail('length overruns');
    const s = buf.toString('utf8', pos, pos + n);
    if (bl(s) !== n) fail('length splits a character');
    pos += n;
    return s;
  };
  const entries = (n: number): [PKey, PVal][] => {
    const out: [PKey, PVal][] = [];
    for (let i = 0; i < n; i++) {
      const k = value();
      if (k.k !== 'i' && k.k !== 's') fail('bad key');
      out.push([k as PKey, value()]);
    }
    return out;
  };
  const value = (): PVal => {
    const t = String.fromCharCode(buf[pos] ?? 0);
    pos++;
    if (t === 'N') {
      lit(';');
      return { k: 'N' };
    }
    lit(':');
    switch (t) {
      case 'b':
        return { k: 'b', v: until(';', /^[01]$/) === '1' };
      case 'i':
        return { k: 'i', raw: until(';', /^[+-]?\d+$/) };
      case 'd':
        return { k: 'd', raw: until(';', /^(-?INF|NAN|[+-]?[\d.]+([eE][+-]?\d+)?)$/) };
      case 'r':
        return { k: 'r', raw: until(';', /^\d+$/) };
      case 's': {
        const n = Number(until(':', /^\d+$/));
        lit('"');
        const v = bytesStr(n);
        lit('";');
        return { k: 's', v };
      }
      case 'a': {
        const n = Number(until(':', /^\d+$/));
        lit('{');
        const e = entries(n);
        lit('}');
        return { k: 'a', entries: e };
      }
      case 'O':
      case 'C': {
        const n = Number(until(':', /^\d+$/));
        lit('"');
        const cls = bytesStr(n);
        lit('":');
        const m = Number(until(':', /^\d+$/));
        lit('{');
        if (t === 'C') {
          const payload = bytesStr(m);
          lit('}');
          return { k: 'C', cls, payload };
        }
        const e = entries(m);
        lit('}');
        return { k: 'O', cls, entries: e };
      }
      default:
        return fail(`unknown type ${t}`);
    }
  };
  const v = value();
  if (pos !== buf.length) fail('trailing data');
  return v;
}

/** Applies `fn` to every string VALUE (not keys, not class names), like wp-cli's recursion. */
export function mapStrings(v: PVal, fn: (s: string) => string): PVal {
  switch (v.k) {
    case 's':
      return { k: 's', v: fn(v.v) };
    case 'a':
      return { k: 'a', entries: v.entries.map(([k, x]) => [k, mapStrings(x, fn)]) };
    case 'O':
      return { k: 'O', cls: v.cls, entries: v.entries.map(([k, x]) => [k, mapStrings(x, fn)]) };
    default:
      return v;
  }
}

/** PHP's json_encode for the values the feature files display (objects/arrays of strings). */
export function phpJson(v: PVal): string {
  const str = (s: string) => JSON.stringify(s).replace(/\//g, '\\/');
  switch (v.k) {
    case 's':
      return str(v.v);
    case 'O':
    case 'a':
      return `{${v.entries.map(([k, x]) => `${str(k.k === 's' ? k.v : k.raw)}:${phpJson(x)}`).join(',')}}`;
    default:
      return 'null';
  }
}
