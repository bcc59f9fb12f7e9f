// Masking strategies: each turns one value into a stand-in, deterministically (keyed BLAKE3: the
// same input under the same key gives the same output in every table of a clone, so joins and
// look-ups by e-mail still work) and keeping the value's format (an e-mail stays an address, a
// phone keeps its punctuation, an IP stays an IP), so the application accepts its own data.
// Outputs stay short (≤ ~32 chars for e-mails) so they fit WordPress's narrowest columns.
import { hkdfSync } from 'node:crypto';
import { createBLAKE3 } from 'hash-wasm';
import type { Strategy } from './strategy-names.js';

export { STRATEGIES, type Strategy } from './strategy-names.js';

/** The domain every masked e-mail gets: `.invalid` is reserved (RFC 2606), nothing is ever delivered there. */
export const MASK_DOMAIN = 'example.invalid';

export interface Digest {
  (kind: string, value: string): Buffer;
  /** Masked outputs by strategy, then input: the same e-mail, name or phone recurs in many tables. */
  readonly memo: Map<string, Map<string, string | null>>;
}

/**
 * `s` with chars of its own. V8 keeps a substring of 13+ chars as a view into its parent string (here
 * a 64 KB block of COPY rows); flattening a concatenation copies the chars.
 */
export const ownCopy = (s: string): string => (s.length < 13 ? s : `${s} `.slice(0, -1));

/** Entries kept in each memo before it starts over (a clone's distinct personal values, roughly). */
const CACHE_SIZE = 100_000;

/**
 * A Map per kind, looked up by the value itself: a `kind + value` key would be a new string to
 * flatten and hash on every call, which cost more than the rest of the lookup. Keys are stored as
 * `ownCopy`s: a value may be a slice of a whole block of rows, which the cache must not keep alive.
 */
function cacheFor<V>(maps: Map<string, Map<string, V>>, kind: string): Map<string, V> {
  let m = maps.get(kind);
  if (m === undefined) maps.set(kind, (m = new Map()));
  else if (m.size > CACHE_SIZE) m.clear();
  return m;
}

/**
 * BLAKE3 in keyed mode (a PRF, like HMAC) of `kind:value`. From WebAssembly with one hasher reused it
 * costs ~0.5 µs, less than a cache lookup; node:crypto's createHmac spent 3–4 µs a call in object
 * set-up (bench/mask.ts: it was a third of masking). A key of any length (a named mask key) is
 * stretched to BLAKE3's 32 bytes with HKDF.
 */
export async function createDigest(key: Buffer | string): Promise<Digest> {
  const k =
    Buffer.isBuffer(key) && key.length === 32
      ? key
      : Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'railclone mask key', 32));
  const hasher = await createBLAKE3(256, k);
  const digest = (kind: string, value: string): Buffer => {
    hasher.init();
    hasher.update(kind);
    hasher.update('\u0000');
    hasher.update(value);
    const bytes = hasher.digest('binary');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  };
  return Object.assign(digest, { memo: new Map<string, Map<string, string | null>>() });
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** 13 base-32 chars = 65 bits: distinct inputs give distinct outputs for any realistic table. */
function base32(d: Buffer, chars: number): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  let i = 0;
  while (out.length < chars) {
    if (bits < 5) {
      acc = (acc << 8) | (d[i++ % d.length] as number);
      bits += 8;
    }
    out += BASE32[(acc >>> (bits - 5)) & 31];
    bits -= 5;
  }
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
export const looksLikeEmail = (v: string): boolean => EMAIL.test(v.trim());

/** Lower-cased and trimmed first: `Bob@X.com` in an order and `bob@x.com` in users mask alike. */
export function maskEmail(value: string, digest: Digest): string {
  const norm = value.trim().toLowerCase();
  if (norm === '') return value;
  return `u${base32(digest('email', norm), 13)}@${MASK_DOMAIN}`;
}

const CONSONANTS = 'bdfghklmnprstvz';
const VOWELS = 'aeiou';
/** A pronounceable made-up word (never a real name from a list) of about `len` letters. */
function pseudoWord(d: Buffer, len: number): string {
  const n = Math.max(3, Math.min(len, 12));
  let out = '';
  for (let i = 0; i < n; i++) {
    const b = d[(i + 1) % d.length] as number;
    out += i % 2 === 0 ? CONSONANTS[b % CONSONANTS.length] : VOWELS[b % VOWELS.length];
  }
  return out;
}

function withCase(word: string, like: string): string {
  if (like === like.toUpperCase() && like !== like.toLowerCase()) return word.toUpperCase();
  const first = like[0] as string;
  if (first === first.toUpperCase() && first !== first.toLowerCase())
    return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

/** Each ASCII digit replaced by one drawn from the digest of all of them, in order. */
function maskDigits(token: string, digest: Digest, kind: string): string {
  let digits = '';
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits += token[i];
  }
  const d = digest(kind, digits);
  let out = '';
  let k = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    out += c >= 0x30 && c <= 0x39 ? String((d[k++ % d.length] as number) % 10) : token[i];
  }
  return out;
}

/** Tokens: letters become made-up words (the same word everywhere), digits new digits, e-mails masked. */
function maskWords(value: string, digest: Digest): string {
  return value.replace(/[^\s,;/()]+/g, (token) => {
    if (token.includes('@') && looksLikeEmail(token)) return maskEmail(token, digest);
    if (/\d/.test(token)) return maskDigits(token, digest, 'digits');
    // One ASCII word is one \p{L}+ run: no Unicode RegExp needed (most names and streets).
    if (/^[A-Za-z]+$/.test(token)) return maskWord(token, digest);
    return token.replace(/\p{L}+/gu, (w) => maskWord(w, digest));
  });
}

const maskWord = (w: string, digest: Digest) =>
  withCase(pseudoWord(digest('word', w.toLowerCase()), w.length), w);

/** Digits replaced, everything else (+, spaces, dashes, brackets) kept. */
export function maskPhone(value: string, digest: Digest): string {
  return maskDigits(value, digest, 'phone');
}

/** IPv4 → an address in 10.0.0.0/8; IPv6 → one in fd00::/8; anything else → hashed digits. */
export function maskIp(value: string, digest: Digest): string {
  const v = value.trim();
  if (v === '') return value;
  const d = digest('ip', v.toLowerCase());
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) return `10.${d[0]}.${d[1]}.${d[2]}`;
  if (v.includes(':')) {
    const h = d.toString('hex');
    return `fd${h.slice(0, 2)}:${h.slice(2, 6)}:${h.slice(6, 10)}:${h.slice(10, 14)}::${h.slice(14, 18)}`;
  }
  return maskDigits(v, digest, 'ip');
}

export function maskHash(value: string, digest: Digest): string {
  return digest('hash', value).toString('hex').slice(0, 16);
}

/**
 * One plain (not serialized, not JSON) value; `null` only for the `null` strategy. Remembered per
 * strategy and input (every strategy is a function of the value and the key).
 */
export function applyStrategy(strategy: Strategy, value: string, digest: Digest): string | null {
  if (strategy === 'keep') return value;
  if (strategy === 'null') return null;
  const memo = cacheFor(digest.memo, strategy);
  let out = memo.get(value);
  if (out === undefined) {
    out = compute(strategy, value, digest);
    memo.set(ownCopy(value), out);
  }
  return out;
}

function compute(strategy: Strategy, value: string, digest: Digest): string | null {
  switch (strategy) {
    case 'keep':
      return value;
    case 'null':
      return null;
    case 'email':
      return looksLikeEmail(value) ? maskEmail(value, digest) : maskWords(value, digest);
    case 'name':
    case 'address':
      return maskWords(value, digest);
    case 'phone':
      return maskPhone(value, digest);
    case 'ip':
      return maskIp(value, digest);
    case 'hash':
      return maskHash(value, digest);
  }
}
