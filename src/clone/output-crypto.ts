// The basic-auth password only ever leaves encrypted: AES-256-GCM under a key derived from
// RAILCLONE_OUTPUT_KEY. `railclone decrypt` turns it back for whoever holds the key.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { RailcloneError } from '../util/errors.js';

const PREFIX = 'rc1';

function keyFrom(secret: string): Buffer {
  if (secret.length < 16) {
    throw new RailcloneError('ConfigError', 'RAILCLONE_OUTPUT_KEY must be at least 16 characters');
  }
  return createHash('sha256').update(secret).digest();
}

export function encryptForOutput(plain: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [
    PREFIX,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

export function decryptOutput(token: string, secret: string): string {
  const [prefix, iv, tag, body] = token.split('.');
  // An empty value encrypts to an empty body: only a missing part is malformed.
  if (prefix !== PREFIX || !iv || !tag || body === undefined) {
    throw new RailcloneError(
      'ValidationError',
      'not a railclone encrypted output (expected rc1.<iv>.<tag>.<data>)',
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new RailcloneError(
      'DecryptError',
      'could not decrypt: wrong RAILCLONE_OUTPUT_KEY or a damaged value',
    );
  }
}
