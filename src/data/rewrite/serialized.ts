// PHP serialization, handled by byte counts without unserializing: we walk the value, rewrite
// string payloads that contain a search string, recompute their `s:N:` byte length and copy every
// other byte verbatim (floats, class names, keys, references keep their exact text).
//
// Works on JS strings in one of two modes:
// - 'utf8': a normal JS string; `s:N` counts UTF-8 bytes, so we sum UTF-8 sizes while skipping;
// - 'bytes': one char per byte (Buffer decoded as latin1); `s:N` is simply N chars.

export type ByteMode = 'utf8' | 'bytes';

/**
 * Rewrites one string payload; returns the same string when nothing changed. `key` is the array or
 * object key the payload is the value of (undefined at the top level): masking picks a strategy by it.
 */
export type PayloadRewriter = (payload: string, key?: string) => string;

const MAX_DEPTH = 512;

/** WordPress-style check (is_serialized, strict): decides whether we must parse the value. */
export function looksSerialized(value: string): boolean {
  let a = 0;
  let b = value.length - 1;
  while (a <= b && isSpace(value.charCodeAt(a))) a++;
  while (b >= a && isSpace(value.charCodeAt(b))) b--;
  if (b - a + 1 < 2) return false;
  const first = value[a];
  if (first === 'N') return value[a + 1] === ';';
  if (b - a + 1 < 4 || value[a + 1] !== ':') return false;
  const last = value[b];
  if (last !== ';' && last !== '}') return false;
  return (
    first === 's' ||
    first === 'a' ||
    first === 'O' ||
    first === 'C' ||
    first === 'i' ||
    first === 'd' ||
    first === 'b' ||
    first === 'E' ||
    first === 'r' ||
    first === 'R'
  );
}

/**
 * `looksSerialized` on raw bytes: its checks only look at ASCII characters at the trimmed ends, and
 * in UTF-8 (or one-byte-per-char) those are the same bytes, so both agree on any value.
 */
export function looksSerializedBytes(value: Buffer): boolean {
  let a = 0;
  let b = value.length - 1;
  while (a <= b && isSpace(value[a] as number)) a++;
  while (b >= a && isSpace(value[b] as number)) b--;
  if (b - a + 1 < 2) return false;
  const first = value[a];
  if (first === 0x4e) return value[a + 1] === 0x3b; // N;
  if (b - a + 1 < 4 || value[a + 1] !== 0x3a) return false; // x:
  const last = value[b];
  if (last !== 0x3b && last !== 0x7d) return false; // ; or }
  return SERIALIZED_TYPES.has(first as number);
}

/** s a O C i d b E r R: the type letters a serialized value starts with. */
const SERIALIZED_TYPES = new Set([...'saOCidbErR'].map((c) => c.charCodeAt(0)));

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x00;
}

function utf8Len(c: number, next: number): number {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return 4;
  return 3;
}

class Malformed extends Error {}
const MALFORMED = new Malformed('malformed serialized data');

interface State {
  s: string;
  pos: number;
  mode: ByteMode;
  rewrite: PayloadRewriter;
  parts: string[];
  copied: number;
  /** The key parsed last: the one the next value belongs to. */
  key?: string;
}

/**
 * Rewrites the string payloads of a serialized value. Returns the same string when nothing changed,
 * or `null` when the value is not valid serialized data (the caller then leaves it untouched).
 */
export function rewriteSerialized(value: string, mode: ByteMode, rewrite: PayloadRewriter): string | null {
  const st: State = { s: value, pos: 0, mode, rewrite, parts: [], copied: 0 };
  try {
    while (st.pos < value.length && isSpace(value.charCodeAt(st.pos))) st.pos++;
    parseValue(st, 0, false);
    while (st.pos < value.length && isSpace(value.charCodeAt(st.pos))) st.pos++;
    if (st.pos !== value.length) return null;
  } catch (e) {
    if (e === MALFORMED) return null;
    throw e;
  }
  if (st.parts.length === 0) return value;
  st.parts.push(value.slice(st.copied));
  return st.parts.join('');
}

/** Validates only; true when `value` is one complete serialized value. */
export function isValidSerialized(value: string, mode: ByteMode = 'utf8'): boolean {
  return rewriteSerialized(value, mode, (p) => p) !== null;
}

function expect(st: State, ch: string): void {
  if (st.s[st.pos] !== ch) throw MALFORMED;
  st.pos++;
}

function readUint(st: State): number {
  const s = st.s;
  const start = st.pos;
  let n = 0;
  while (st.pos < s.length) {
    const c = s.charCodeAt(st.pos);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
    st.pos++;
  }
  if (st.pos === start || n > Number.MAX_SAFE_INTEGER) throw MALFORMED;
  return n;
}

/** `:count:{…}` of an array or object: the entries, walked for string values. */
function parseCountedEntries(st: State, depth: number): void {
  expect(st, ':');
  const count = readUint(st);
  expect(st, ':');
  expect(st, '{');
  parseEntries(st, count, depth);
  expect(st, '}');
}

/** Skips the tag letter and `:N:"<N bytes>"` — a class or enum name, never rewritten. */
function skipLengthQuoted(st: State): void {
  st.pos++;
  expect(st, ':');
  const n = readUint(st);
  expect(st, ':');
  expect(st, '"');
  st.pos = skipBytes(st, n);
  expect(st, '"');
}

/** Position after `n` bytes from `pos`, or throws when that runs past the end or splits a char. */
function skipBytes(st: State, n: number): number {
  const s = st.s;
  if (st.mode === 'bytes') {
    if (st.pos + n > s.length) throw MALFORMED;
    return st.pos + n;
  }
  let i = st.pos;
  let left = n;
  while (left > 0) {
    if (i >= s.length) throw MALFORMED;
    const c = s.charCodeAt(i);
    const len = utf8Len(c, i + 1 < s.length ? s.charCodeAt(i + 1) : 0);
    left -= len;
    i += len === 4 ? 2 : 1;
  }
  if (left !== 0) throw MALFORMED;
  return i;
}

function byteLength(s: string, mode: ByteMode): number {
  return mode === 'bytes' ? s.length : Buffer.byteLength(s, 'utf8');
}

function parseValue(st: State, depth: number, isKey: boolean): void {
  if (depth > MAX_DEPTH) throw MALFORMED;
  const s = st.s;
  const tokenStart = st.pos;
  const t = s[st.pos];
  if (isKey && t !== 's' && t !== 'i') throw MALFORMED;
  switch (t) {
    case 'N':
      st.pos++;
      expect(st, ';');
      return;
    case 'b': {
      st.pos++;
      expect(st, ':');
      const c = s[st.pos];
      if (c !== '0' && c !== '1') throw MALFORMED;
      st.pos++;
      expect(st, ';');
      return;
    }
    case 'i': {
      st.pos++;
      expect(st, ':');
      if (s[st.pos] === '-' || s[st.pos] === '+') st.pos++;
      const digits = st.pos;
      readUint(st);
      if (isKey) st.key = s.slice(digits, st.pos);
      expect(st, ';');
      return;
    }
    case 'r':
    case 'R':
      st.pos++;
      expect(st, ':');
      readUint(st);
      expect(st, ';');
      return;
    case 'd': {
      st.pos++;
      expect(st, ':');
      const start = st.pos;
      // Digits, sign, dot, exponent, INF / NAN: kept verbatim, never re-rendered.
      while (st.pos < s.length && /[0-9eE.+\-INFA]/.test(s[st.pos] as string)) st.pos++;
      if (st.pos === start) throw MALFORMED;
      expect(st, ';');
      return;
    }
    case 's': {
      st.pos++;
      expect(st, ':');
      const n = readUint(st);
      expect(st, ':');
      expect(st, '"');
      const a = st.pos;
      const b = skipBytes(st, n);
      st.pos = b;
      expect(st, '"');
      expect(st, ';');
      if (isKey) {
        st.key = s.slice(a, b); // keys are never rewritten (wp-cli walks values only)
        return;
      }
      const payload = s.slice(a, b);
      const next = st.rewrite(payload, st.key);
      if (next !== payload) {
        st.parts.push(s.slice(st.copied, tokenStart), `s:${byteLength(next, st.mode)}:"`, next, '";');
        st.copied = st.pos;
      }
      return;
    }
    case 'E': {
      // PHP 8.1 enum `E:N:"Class:Case";`: a name, not data.
      skipLengthQuoted(st);
      expect(st, ';');
      return;
    }
    case 'a': {
      st.pos++;
      parseCountedEntries(st, depth);
      return;
    }
    case 'O': {
      // Any class, loaded or not: we only touch its string values, never its name or shape.
      skipLengthQuoted(st);
      parseCountedEntries(st, depth);
      return;
    }
    case 'C': {
      // Custom serialization (Serializable::serialize): the payload format belongs to the class,
      // so it is copied verbatim — only its length is checked.
      skipLengthQuoted(st);
      expect(st, ':');
      const len = readUint(st);
      expect(st, ':');
      expect(st, '{');
      st.pos = skipBytes(st, len);
      expect(st, '}');
      return;
    }
    default:
      throw MALFORMED;
  }
}

function parseEntries(st: State, count: number, depth: number): void {
  for (let i = 0; i < count; i++) {
    parseValue(st, depth + 1, true);
    parseValue(st, depth + 1, false);
  }
}
