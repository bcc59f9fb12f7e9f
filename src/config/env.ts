// railclone's own environment variables, validated in one place (Railway's are read by src/railway).
import { z } from 'zod';
import { parseInput } from '../inputs/parse.js';
import { registerSecret } from '../util/secrets.js';

export const RailcloneEnvSchema = z.object({
  RAILCLONE_PROJECT_ID: z
    .string()
    .regex(/^[A-Za-z0-9-]{8,64}$/, 'a Railway project id')
    .optional(),
  RAILCLONE_OUTPUT_KEY: z.string().min(16, 'at least 16 characters').optional(),
  RAILCLONE_EXECUTION_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, _ and -')
    .optional(),
  RAILCLONE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  /** 1: use the built-in Railway emulator (as --emulator does); never implied by a missing token. */
  RAILCLONE_EMULATOR: z.enum(['0', '1']).optional(),
  RAILCLONE_DEPLOY_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).optional(),
});

export type RailcloneEnv = z.output<typeof RailcloneEnvSchema>;

/** The variables a schema names, read from `env` (empty = unset) and validated; errors name the variable. */
export function parseEnvironment<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const picked = Object.fromEntries(
    Object.keys(schema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  return parseInput(schema, picked, 'environment');
}

export function readRailcloneEnv(env: NodeJS.ProcessEnv = process.env): RailcloneEnv {
  const parsed = parseEnvironment(RailcloneEnvSchema, env);
  registerSecret(parsed.RAILCLONE_OUTPUT_KEY);
  return parsed;
}
