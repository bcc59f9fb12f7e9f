// The request's masking and quiet-staging fields, and what they come to for one clone. Defaults
// follow environment_type: a `prod` copy is an exact copy (nothing masked, nothing quietened),
// every other type gets the built-in masking and a quiet WordPress.
import { z } from 'zod';
import { STRATEGIES } from '../data/mask/strategy-names.js';

const NAME = /^[A-Za-z0-9_$]{1,64}$/;

export const MaskRuleSchema = z
  .object({
    table: z
      .string()
      .regex(/^(\*|[A-Za-z0-9_$]{1,64})$/, 'mask[].table is a table name (letters, digits, _ and $) or *'),
    column: z
      .string()
      .regex(NAME, 'mask[].column is a column name (letters, digits, _ and $)')
      .refine((c) => c.toLowerCase() !== 'user_pass', {
        message: 'mask[].column: user_pass is never masked (hashed passwords stay as they are)',
      }),
    strategy: z.enum(STRATEGIES),
    /** Only rows whose meta_key / option_name is this (key/value tables). */
    key: z.string().min(1).max(191).optional(),
  })
  .strict();
export type MaskRuleInput = z.output<typeof MaskRuleSchema>;

/** `none`, `default` (the built-in rules), or rules that extend / override the built-in ones. */
export const MaskSchema = z.union([z.enum(['none', 'default']), z.array(MaskRuleSchema).min(1).max(200)]);

export const QUIET_FIELDS = ['search_engines', 'webhooks', 'notification_emails', 'cron'] as const;
export type QuietField = (typeof QUIET_FIELDS)[number];

/** true / false for all, or some of them (the rest keep the type's default). */
export const QuietWordPressSchema = z.union([
  z.boolean(),
  z
    .object({
      search_engines: z.boolean().optional(),
      webhooks: z.boolean().optional(),
      notification_emails: z.boolean().optional(),
      cron: z.boolean().optional(),
    })
    .strict(),
]);

/**
 * A key for repeatable masking is a secret, and a request is stored (history, audit, Kestra's execution
 * and trigger body): so a request only names the key, and the key itself is a server setting,
 * RAILCLONE_MASK_KEY_<NAME> (src/clone/mask-key.ts resolves it where the copy runs).
 */
export const MaskKeyNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_]{1,40}$/,
    'mask_key_name is 1 to 40 letters, digits or _ (the server setting RAILCLONE_MASK_KEY_<NAME>)',
  )
  .transform((n) => n.toUpperCase());

export interface MaskSettings {
  builtins: boolean;
  rules: MaskRuleInput[];
  quiet: Record<QuietField, boolean>;
}

export function maskSettings(r: {
  environment_type: string;
  mask?: z.output<typeof MaskSchema> | undefined;
  quiet_wordpress?: z.output<typeof QuietWordPressSchema> | undefined;
}): MaskSettings {
  const exact = r.environment_type === 'prod';
  const mask = r.mask ?? (exact ? 'none' : 'default');
  const q = r.quiet_wordpress;
  const on = (f: QuietField) => (typeof q === 'boolean' ? q : (q?.[f] ?? !exact));
  return {
    builtins: mask !== 'none',
    rules: Array.isArray(mask) ? mask : [],
    quiet: {
      search_engines: on('search_engines'),
      webhooks: on('webhooks'),
      notification_emails: on('notification_emails'),
      cron: on('cron'),
    },
  };
}
