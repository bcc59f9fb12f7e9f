// Template-style generated values (`${{secret(32)}}`), made once at module load. They are test
// credentials, but still registered so they are masked like real ones wherever they are printed.
import { randomInt } from 'node:crypto';
import { registerSecret } from '../../util/secrets.js';

export const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const ALNUM = `${LETTERS}0123456789`;
// WordPress salts use printable punctuation too; keep to characters safe in URLs and shells.
const SALT_ALPHABET = `${ALNUM}!#%()*+,-.:;<=>?@[]^_|~`;

export function generated(length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  registerSecret(out);
  return out;
}

export function generatedSalt(): string {
  return generated(64, SALT_ALPHABET);
}
