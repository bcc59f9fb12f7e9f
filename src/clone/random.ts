import { randomBytes } from 'node:crypto';
import { registerSecret } from '../util/secrets.js';

/** A fresh password, registered as a secret before anyone can print it. URL-safe: it goes into DB URLs. */
export function newPassword(bytes = 24): string {
  const value = randomBytes(bytes).toString('base64url');
  registerSecret(value);
  return value;
}
