// PostgreSQL COPY text format, byte level: rows end with \n, fields are split by \t, NULL is \N,
// and a backslash escapes \b \f \n \r \t \v \\ (plus \ooo octal and \xHH on input).
// Escapes only involve ASCII bytes, so multi-byte UTF-8 passes through untouched.

const BS = 0x5c;
const DECODE: Record<number, number> = { 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };
const ENCODE: Record<number, number> = { 8: 0x62, 12: 0x66, 10: 0x6e, 13: 0x72, 9: 0x74, 11: 0x76, [BS]: BS };

const isOctal = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x37;
const hexVal = (c: number | undefined): number => {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
};

/** `\N` (SQL NULL) in a field. */
export function isNullField(field: Buffer): boolean {
  return field.length === 2 && field[0] === BS && field[1] === 0x4e;
}

/**
 * COPY-escaped field → raw value bytes. Returns the same Buffer when it holds no backslash.
 * Jumps from backslash to backslash with indexOf (memchr) and copies the runs between them whole:
 * a per-byte JS loop here was most of the rewrite's cost on long post bodies.
 */
export function decodeField(field: Buffer): Buffer {
  let bs = field.indexOf(BS);
  if (bs === -1) return field;
  const out = Buffer.allocUnsafe(field.length);
  let o = 0;
  let from = 0; // first byte not yet written to `out`
  while (bs !== -1) {
    o += field.copy(out, o, from, bs);
    let i = bs + 1;
    if (i >= field.length) {
      out[o++] = BS; // a trailing lone backslash stands for itself
      from = i;
      break;
    }
    const n = field[i] as number;
    const mapped = DECODE[n];
    if (mapped !== undefined) out[o++] = mapped;
    else if (isOctal(n)) {
      let v = n - 0x30;
      for (let k = 0; k < 2 && isOctal(field[i + 1]); k++) v = v * 8 + ((field[++i] as number) - 0x30);
      out[o++] = v & 0xff;
    } else if (n === 0x78 && hexVal(field[i + 1]) >= 0) {
      let v = hexVal(field[++i]);
      if (hexVal(field[i + 1]) >= 0) v = v * 16 + hexVal(field[++i]);
      out[o++] = v;
    } else out[o++] = n; // `\\`, `\.` and any other escaped byte stand for themselves
    from = i + 1;
    bs = field.indexOf(BS, from);
  }
  if (from < field.length) o += field.copy(out, o, from);
  return out.subarray(0, o);
}

/** The bytes COPY TO escapes, each found with its own indexOf: 7 memchr passes beat one JS loop. */
const ESCAPED = Object.keys(ENCODE).map(Number);

/**
 * Raw value bytes → COPY-escaped field, escaping the same bytes PostgreSQL's COPY TO does.
 * Returns the same Buffer when nothing needs escaping.
 */
export function encodeField(value: Buffer): Buffer {
  // next[k]: position of the next ESCAPED[k] byte not yet written, -1 when there is none left.
  const next = ESCAPED.map((b) => value.indexOf(b));
  let count = 0;
  next.forEach((first, k) => {
    for (let p = first; p !== -1; p = value.indexOf(ESCAPED[k] as number, p + 1)) count++;
  });
  if (count === 0) return value;
  const out = Buffer.allocUnsafe(value.length + count);
  let o = 0;
  let from = 0;
  for (let left = count; left > 0; left--) {
    let k = 0; // the byte kind whose next occurrence comes first
    for (let j = 1; j < next.length; j++) {
      const p = next[j] as number;
      if (p !== -1 && (next[k] === -1 || p < (next[k] as number))) k = j;
    }
    const at = next[k] as number;
    o += value.copy(out, o, from, at);
    out[o++] = BS;
    out[o++] = ENCODE[value[at] as number] as number;
    from = at + 1;
    next[k] = value.indexOf(ESCAPED[k] as number, from);
  }
  value.copy(out, o, from);
  return out;
}

// The same codec on "latin1 strings" (one char per byte, `buf.toString('latin1')`): the stream
// works on those so that scanning, slicing and replacing use V8's string builtins, which cost a few
// nanoseconds a call where every Buffer method call or slice costs ~100 ns.

/** `decodeField` on a latin1 string. Returns the same string when it holds no backslash. */
export function decodeLatin1(field: string): string {
  let bs = field.indexOf('\\');
  if (bs === -1) return field;
  let out = '';
  let from = 0; // first char not yet in `out`
  while (bs !== -1) {
    out += field.slice(from, bs);
    let i = bs + 1;
    if (i >= field.length) {
      out += '\\'; // a trailing lone backslash stands for itself
      from = i;
      break;
    }
    const n = field.charCodeAt(i);
    const mapped = DECODE[n];
    let v = n; // `\\`, `\.` and any other escaped byte stand for themselves
    if (mapped !== undefined) v = mapped;
    else if (isOctal(n)) {
      v = n - 0x30;
      for (let k = 0; k < 2 && isOctal(codeAt(field, i + 1)); k++) v = v * 8 + (field.charCodeAt(++i) - 0x30);
      v &= 0xff;
    } else if (n === 0x78 && hexVal(codeAt(field, i + 1)) >= 0) {
      v = hexVal(field.charCodeAt(++i));
      if (hexVal(codeAt(field, i + 1)) >= 0) v = v * 16 + hexVal(field.charCodeAt(++i));
    }
    out += String.fromCharCode(v);
    from = i + 1;
    bs = field.indexOf('\\', from);
  }
  return out + field.slice(from);
}

const codeAt = (s: string, i: number): number | undefined => (i < s.length ? s.charCodeAt(i) : undefined);

/** Raw char → its escape, backslash first so the escapes added after it are not doubled. */
const LATIN1_ESCAPES: [string, string][] = [
  ['\\', '\\\\'],
  ['\b', '\\b'],
  ['\f', '\\f'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  ['\v', '\\v'],
];

/** `encodeField` on a latin1 string: one indexOf per escaped char, replaceAll only for those present. */
export function encodeLatin1(value: string): string {
  let out = value;
  for (const [raw, esc] of LATIN1_ESCAPES) if (out.indexOf(raw) !== -1) out = out.replaceAll(raw, esc);
  return out;
}

/** A string in COPY-escaped form (what the search string looks like inside the stream). */
export function encodeText(s: string): Buffer {
  return encodeField(Buffer.from(s, 'utf8'));
}

/** Splits one row (without its trailing \n) into fields. */
export function splitFields(row: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  let start = 0;
  for (;;) {
    const tab = row.indexOf(0x09, start);
    if (tab === -1) {
      fields.push(row.subarray(start));
      return fields;
    }
    fields.push(row.subarray(start, tab));
    start = tab + 1;
  }
}

/** Number of \n bytes (= rows, since data newlines are escaped). */
export function countRows(chunk: Buffer): number {
  let n = 0;
  let i = chunk.indexOf(0x0a);
  while (i !== -1) {
    n++;
    i = chunk.indexOf(0x0a, i + 1);
  }
  return n;
}
