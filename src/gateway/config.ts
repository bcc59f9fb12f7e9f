// The gateway's settings, all from RAILCLONE_* / KESTRA_* variables, checked in one place: a bad value
// names the variable and what is allowed, before anything listens.
import { z } from 'zod';
import { parseEnvironment } from '../config/env.js';
import { registerSecret } from '../util/secrets.js';
import { trustedProxyList } from './client-address.js';

const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const origin = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/, 'an origin like https://app.example.com (scheme://host[:port], no path)');

export const GatewayEnvSchema = z.object({
  RAILCLONE_GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8090),
  RAILCLONE_GATEWAY_HOST: z.string().min(1).max(255).default('127.0.0.1'),
  RAILCLONE_GATEWAY_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL')
    .optional(),
  RAILCLONE_GATEWAY_DIR: z.string().min(1).default('.railclone/gateway'),
  /** Authenticates the audit trail and its checkpoint (HMAC-SHA256). Required with the PostgreSQL store. */
  RAILCLONE_AUDIT_KEY: z.string().min(32, 'at least 32 characters (e.g. openssl rand -hex 32)').optional(),
  RAILCLONE_CORS_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin))
    .default([]),
  RAILCLONE_GATEWAY_BODY_LIMIT: z.coerce.number().int().min(1_024).max(10_485_760).default(65_536),
  RAILCLONE_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
  /** Local engine: clones running at once (the rest QUEUED); default the flow's concurrency limit. */
  RAILCLONE_CLONE_CONCURRENCY: z.coerce.number().int().min(1).max(100).optional(),
  RAILCLONE_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600),
  RAILCLONE_NAMESPACE: z
    .string()
    .regex(NAMESPACE, 'a Kestra namespace: lowercase letters, digits, ., _ and -')
    .default('railclone'),
  RAILCLONE_PUBLIC_URL: z.url().optional(),
  RAILCLONE_TRUSTED_PROXIES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine(
          (entry) => {
            try {
              trustedProxyList([entry]);
              return true;
            } catch {
              return false;
            }
          },
          {
            message: 'an IP address or CIDR range like 10.0.0.0/8',
            params: { allowed: 'IP addresses or CIDR ranges, comma separated' },
          },
        ),
      ),
    )
    .default([]),
  KESTRA_URL: z.url().optional(),
  KESTRA_USER: z.string().optional(),
  KESTRA_PASSWORD: z.string().optional(),
  KESTRA_TENANT: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and -')
    .optional(),
  KESTRA_WEBHOOK_KEY: z
    .string()
    .min(8, 'at least 8 characters')
    .max(256, 'at most 256 characters')
    .optional(),
});

export type GatewayEnv = z.output<typeof GatewayEnvSchema>;

export function readGatewayEnv(env: NodeJS.ProcessEnv = process.env): GatewayEnv {
  const parsed = parseEnvironment(GatewayEnvSchema, env);
  registerSecret(parsed.KESTRA_PASSWORD);
  registerSecret(parsed.KESTRA_WEBHOOK_KEY);
  registerSecret(parsed.RAILCLONE_AUDIT_KEY);
  if (parsed.RAILCLONE_GATEWAY_DATABASE_URL) {
    const pw = safePassword(parsed.RAILCLONE_GATEWAY_DATABASE_URL);
    registerSecret(pw);
  }
  return parsed;
}

function safePassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

export { NAMESPACE as NAMESPACE_PATTERN };
