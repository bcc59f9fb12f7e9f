// One value masked by a strategy, looking inside PHP-serialized and JSON data: each string inside
// is masked by the strategy its key names (`ip`, `email`, `billing_phone`…) or else the column's,
// and serialized lengths are recomputed (the rewriter's walker), so the value still unserializes.
import { looksSerialized, rewriteSerialized } from '../rewrite/serialized.js';
import { strategyForName as byName } from './patterns.js';
import {
  applyStrategy,
  looksLikeEmail,
  maskHash,
  ownCopy,
  type Digest,
  type Strategy,
} from './strategies.js';

/** `auto`: only what a key names, and anything that is an e-mail address (settings, session data). */
export type DeepStrategy = Strategy | 'auto';

/** Returns the SAME string when nothing changed; null only for the `null` strategy. */
export function maskValue(value: string, strategy: DeepStrategy, digest: Digest): string | null {
  if (strategy === 'keep') return value;
  if (strategy === 'null') return null;
  if (strategy === 'hash') return maskHash(value, digest);
  const serialized = looksSerialized(value);
  const first = serialized ? '' : firstChar(value);
  // `auto` on plain text without an @: nothing to find (the common case in postmeta and options).
  if (strategy === 'auto' && !serialized && first !== '{' && first !== '[' && !value.includes('@'))
    return value;
  if (serialized) {
    const out = rewriteSerialized(value, 'utf8', (payload, key) => leaf(payload, key, strategy, digest));
    if (out !== null) return out;
    // Malformed: masked as plain text (never let it through as it was), or left alone under `auto`.
    return strategy === 'auto' ? value : plain(value, strategy, digest);
  }
  if (first === '{' || first === '[') {
    const out = maskJson(value, strategy, digest);
    if (out !== undefined) return out;
  }
  return plain(value, strategy, digest);
}

function plain(value: string, strategy: DeepStrategy, digest: Digest): string {
  if (strategy === 'auto')
    return looksLikeEmail(value) ? (applyStrategy('email', value, digest) as string) : value;
  return applyStrategy(strategy, value, digest) ?? '';
}

/** Keys repeat endlessly (`ip`, `expiration`, `recipient`): their strategy is looked up once. */
const keyStrategies = new Map<string, Strategy | undefined>();
function strategyForName(key: string): Strategy | undefined {
  if (keyStrategies.has(key)) return keyStrategies.get(key);
  const s = byName(key);
  if (keyStrategies.size < 10_000) keyStrategies.set(ownCopy(key), s);
  return s;
}

function leaf(payload: string, key: string | undefined, strategy: DeepStrategy, digest: Digest): string {
  const byKey = key === undefined ? undefined : strategyForName(key);
  const s = byKey ?? strategy;
  if (payload === '') return payload;
  return maskValue(payload, s, digest) ?? '';
}

function firstChar(v: string): string {
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as string;
    if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') return c;
  }
  return '';
}

/** Undefined when it is not JSON after all. */
function maskJson(value: string, strategy: DeepStrategy, digest: Digest): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  let changed = false;
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') {
      const out = leaf(node, key, strategy, digest);
      if (out !== node) changed = true;
      return out;
    }
    if (Array.isArray(node)) return node.map((n) => walk(n, key));
    if (node && typeof node === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) o[k] = walk(v, k);
      return o;
    }
    return node;
  };
  const out = walk(parsed, undefined);
  return changed ? JSON.stringify(out) : value;
}
