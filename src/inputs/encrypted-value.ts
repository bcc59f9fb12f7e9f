// The form of a variable_overrides value encrypted with RAILCLONE_OUTPUT_KEY: `enc:v1:<token>`. The clone API
// sends values in this form so Kestra's execution record (the webhook body) never holds them in clear.
// The cipher itself is ../clone/output-crypto.ts; this file only says what the form looks like.

export const ENCRYPTED_VALUE_PREFIX = 'enc:v1:';
/** A plain value's limit, and an encrypted one's (32 768 UTF-16 units at 3 UTF-8 bytes, base64url, + iv/tag). */
export const PLAIN_VALUE_MAX = 32_768;
export const ENCRYPTED_VALUE_MAX = ENCRYPTED_VALUE_PREFIX.length + 4 + 140_000;

export function isEncryptedValue(value: string): boolean {
  return value.startsWith(ENCRYPTED_VALUE_PREFIX);
}
