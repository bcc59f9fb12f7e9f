// Where Kestra is and who we are to it: KESTRA_URL, KESTRA_USER, KESTRA_PASSWORD (basic auth is
// mandatory since Kestra 0.24; the username is an e-mail). The password is registered as a secret.
import { ValidationError } from '../util/errors.js';
import { registerSecret } from '../util/secrets.js';

export interface KestraConfig {
  /** Base URL without a trailing slash, e.g. http://localhost:8080 */
  url: string;
  user: string;
  password: string;
  /** OSS always uses the tenant `main`. */
  tenant: string;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function kestraConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Pick<KestraConfig, 'url' | 'tenant'>> = {},
): KestraConfig {
  const rawUrl = overrides.url ?? env.KESTRA_URL ?? 'http://localhost:8080';
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new ValidationError(
      'KESTRA_URL',
      `KESTRA_URL must be an http(s) URL like http://localhost:8080, got "${rawUrl}"`,
      {
        provided: rawUrl,
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError('KESTRA_URL', `KESTRA_URL must use http or https, got "${url.protocol}"`, {
      provided: rawUrl,
    });
  }
  const user = env.KESTRA_USER ?? '';
  if (!EMAIL.test(user)) {
    throw new ValidationError(
      'KESTRA_USER',
      'KESTRA_USER must be the Kestra basic-auth username, an e-mail address (kestra.server.basic-auth.username)',
      { provided: user === '' ? null : user },
    );
  }
  const password = env.KESTRA_PASSWORD ?? '';
  if (password === '') {
    throw new ValidationError(
      'KESTRA_PASSWORD',
      'KESTRA_PASSWORD must be set to the Kestra basic-auth password',
    );
  }
  registerSecret(password);
  const tenant = overrides.tenant ?? env.KESTRA_TENANT ?? 'main';
  if (!/^[a-z0-9_-]+$/i.test(tenant)) {
    throw new ValidationError('KESTRA_TENANT', 'KESTRA_TENANT is letters, digits, _ and -', {
      provided: tenant,
    });
  }
  return { url: url.toString().replace(/\/+$/, ''), user, password, tenant };
}

/** The Authorization header value; registered so it can never be printed either. */
export function basicAuthHeader(cfg: Pick<KestraConfig, 'user' | 'password'>): string {
  const value = `Basic ${Buffer.from(`${cfg.user}:${cfg.password}`, 'utf8').toString('base64')}`;
  registerSecret(value);
  registerSecret(value.slice('Basic '.length));
  return value;
}
