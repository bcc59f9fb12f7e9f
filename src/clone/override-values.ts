// variable_overrides values in transit: the clone API encrypts each one (enc:v1:…, ../inputs/encrypted-value.ts)
// before the request leaves for Kestra, whose execution record keeps the webhook body; the step that sets
// them decrypts with the same RAILCLONE_OUTPUT_KEY. Plain values pass through both ways unchanged.
import { ENCRYPTED_VALUE_PREFIX, type CloneRequest, isEncryptedValue } from '../inputs/index.js';
import { RailcloneError, ValidationError } from '../util/errors.js';
import { registerSecret } from '../util/secrets.js';
import { decryptOutput, encryptForOutput } from './output-crypto.js';

type Overrides = CloneRequest['variable_overrides'];

export function encryptValue(plain: string, key: string): string {
  return ENCRYPTED_VALUE_PREFIX + encryptForOutput(plain, key);
}

/** One value in clear; `field` names it in the error (the value itself never appears). */
export function decryptValue(value: string, key: string | undefined, field: string): string {
  if (!isEncryptedValue(value)) return value;
  if (!key)
    throw new ValidationError(
      field,
      `${field} is encrypted (${ENCRYPTED_VALUE_PREFIX}…) but RAILCLONE_OUTPUT_KEY is not set: give this task the Kestra secret RAILCLONE_OUTPUT_KEY`,
      { provided: 'an encrypted value', allowed: 'a value encrypted with RAILCLONE_OUTPUT_KEY' },
    );
  try {
    const plain = decryptOutput(value.slice(ENCRYPTED_VALUE_PREFIX.length), key);
    registerSecret(plain);
    return plain;
  } catch (err) {
    if (!(err instanceof RailcloneError)) throw err;
    throw new ValidationError(
      field,
      `${field} could not be decrypted: it was encrypted with another RAILCLONE_OUTPUT_KEY, or is damaged`,
      {
        provided: 'an encrypted value',
        allowed: 'a value encrypted with RAILCLONE_OUTPUT_KEY (`railclone encrypt`)',
      },
    );
  }
}

function mapValues(overrides: Overrides, fn: (value: string, field: string) => string): Overrides {
  return Object.fromEntries(
    Object.entries(overrides).map(([service, vars]) => [
      service,
      Object.fromEntries(
        Object.entries(vars).map(([name, value]) => [
          name,
          fn(value, `variable_overrides.${service}.${name}`),
        ]),
      ),
    ]),
  );
}

/** Every plain value encrypted (already encrypted ones kept), for a request about to leave this process. */
export function encryptOverrides(overrides: Overrides, key: string): Overrides {
  return mapValues(overrides, (v) => (isEncryptedValue(v) ? v : encryptValue(v, key)));
}

/** Every value in clear, registered as a secret so logs mask it. */
export function decryptOverrides(overrides: Overrides, key: string | undefined): Overrides {
  return mapValues(overrides, (v, field) => decryptValue(v, key, field));
}

export function hasOverrideValues(overrides: Overrides | undefined): boolean {
  return Object.values(overrides ?? {}).some((vars) => Object.keys(vars).length > 0);
}
