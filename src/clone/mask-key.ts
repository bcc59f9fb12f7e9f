// The key that makes masking repeatable. It is a secret, so it never rides in a request (requests are
// stored: history, audit, Kestra's execution): the request names it (`mask_key_name`), and the process
// that copies reads it from its own settings — RAILCLONE_MASK_KEY_<NAME> (the CLI, the clone API's
// in-process engine), or RAILCLONE_NAMED_MASK_KEY, which the Kestra flow fills from the Kestra secret
// RAILCLONE_MASK_KEY_<NAME> for the steps that need it (a task's environment names are fixed in the flow).
import { randomBytes } from 'node:crypto';
import type { CloneRequest } from '../inputs/index.js';
import { ValidationError } from '../util/errors.js';
import { registerSecret } from '../util/secrets.js';

export const MASK_KEY_SETTING_PREFIX = 'RAILCLONE_MASK_KEY_';
/** Set by the flow (flows/clone-staging-api.yml) from secret('RAILCLONE_MASK_KEY_' ~ mask_key_name). */
export const FLOW_MASK_KEY_ENV = 'RAILCLONE_NAMED_MASK_KEY';

/** The named key from the settings; a ValidationError naming mask_key_name when it is missing or short. */
export function namedMaskKey(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const setting = `${MASK_KEY_SETTING_PREFIX}${name}`;
  const key = env[setting] || env[FLOW_MASK_KEY_ENV];
  if (!key)
    throw new ValidationError(
      'mask_key_name',
      `mask_key_name "${name}" names the setting ${setting}, which is not set where the clone runs (an environment variable, or a Kestra secret of that name)`,
      { provided: name, allowed: `a name whose ${MASK_KEY_SETTING_PREFIX}<NAME> is set` },
    );
  if (key.length < 16 || key.length > 256)
    throw new ValidationError('mask_key_name', `${setting} must be 16 to 256 characters`, {
      provided: name,
      allowed: '16 to 256 characters',
    });
  registerSecret(key);
  return key;
}

/** The request's named key, or a fresh random one for this run; a secret either way. */
export function cloneMaskKey(request: Pick<CloneRequest, 'mask_key_name'>, env = process.env): string {
  if (request.mask_key_name) return namedMaskKey(request.mask_key_name, env);
  const key = randomBytes(32).toString('base64url');
  registerSecret(key);
  return key;
}
