// API keys: `rck_<id>_<secret>`, the secret 32 random bytes. Only SHA-256 of the whole key is stored.
// A fast hash is right here: a slow KDF (bcrypt, scrypt) protects guessable passwords, but 256 random
// bits cannot be guessed, so SHA-256 is already preimage-safe and keeps auth at microseconds per request.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { registerSecret } from '../util/secrets.js';

export interface ApiKeyRecord {
  id: string;
  name: string;
  hash: string;
  namespaces: string[];
  /** Empty = every flow of its namespaces. */
  flows: string[];
  /** Clone starts per window; null = the gateway default. */
  rate_limit: number | null;
  /** May delete with force (environments railclone did not make, sources of clones, others' clones). */
  admin: boolean;
  created_at: string;
  revoked_at: string | null;
}

const KEY_FORMAT = /^rck_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newKey(): { id: string; key: string; hash: string } {
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12)
    .padEnd(12, '0');
  const key = `rck_${id}_${randomBytes(32).toString('base64url')}`;
  registerSecret(key);
  return { id, key, hash: hashKey(key) };
}

/** The key id a presented key claims, or null when it does not even look like a key. */
export function keyIdOf(presented: string): string | null {
  return KEY_FORMAT.exec(presented)?.[1] ?? null;
}

/** Constant-time: compares the SHA-256 digests, which are always the same length. */
export function keyMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashKey(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function inScope(
  key: Pick<ApiKeyRecord, 'namespaces' | 'flows'>,
  namespace: string,
  flowId?: string,
): boolean {
  if (!key.namespaces.includes(namespace) && !key.namespaces.includes('*')) return false;
  if (flowId === undefined || key.flows.length === 0) return true;
  return key.flows.includes(flowId);
}
