// `--mask` for `railclone clone` and `railclone db copy`: repeatable, each `none`, `default`, or a
// rule `TABLE.COLUMN=STRATEGY` / `TABLE.COLUMN[KEY]=STRATEGY` (TABLE may be *). Rules extend the
// built-in ones unless `none` is given too (then only the rules apply).
import { STRATEGIES } from '../data/mask/index.js';
import { ValidationError } from '../util/errors.js';

export interface MaskRuleFlag {
  table: string;
  column: string;
  strategy: string;
  key?: string;
}

const RULE = /^(\*|[A-Za-z0-9_$]+)\.([A-Za-z0-9_$]+)(?:\[([^\]]+)\])?=([a-z]+)$/;

/** The flags as the request's `mask` field: 'none' | 'default' | rules (undefined when not given). */
export function maskFromFlags(
  values: readonly string[],
  flag = '--mask',
): { mode: 'none' | 'default'; rules: MaskRuleFlag[] } | undefined {
  if (values.length === 0) return undefined;
  let mode: 'none' | 'default' = 'default';
  const rules: MaskRuleFlag[] = [];
  for (const v of values) {
    if (v === 'none' || v === 'default') {
      mode = v;
      continue;
    }
    const m = RULE.exec(v.trim());
    if (!m)
      throw new ValidationError(
        flag,
        `${flag} is none, default, or TABLE.COLUMN=STRATEGY (TABLE.COLUMN[KEY]=STRATEGY for meta/option rows; TABLE may be *), strategy one of ${STRATEGIES.join(', ')}`,
        { provided: v.split('=')[0] },
      );
    rules.push({ table: m[1]!, column: m[2]!, strategy: m[4]!, ...(m[3] ? { key: m[3] } : {}) });
  }
  return { mode, rules };
}

/** `--quiet` for db copy: all, none, or a comma list of search-engines, webhooks, notification-emails. */
export const QUIET_FLAG_VALUES = ['search-engines', 'webhooks', 'notification-emails'] as const;

export function quietFromFlag(
  value: string | undefined,
  defaultOn: boolean,
): { searchEngines: boolean; webhooks: boolean; notificationEmails: boolean } {
  const all = (on: boolean) => ({ searchEngines: on, webhooks: on, notificationEmails: on });
  if (value === undefined) return all(defaultOn);
  if (value === 'all') return all(true);
  if (value === 'none') return all(false);
  const parts = value.split(',').map((p) => p.trim());
  for (const p of parts)
    if (!(QUIET_FLAG_VALUES as readonly string[]).includes(p))
      throw new ValidationError(
        '--quiet',
        `--quiet is all, none, or a comma list of ${QUIET_FLAG_VALUES.join(', ')}`,
        {
          provided: p,
          allowed: ['all', 'none', ...QUIET_FLAG_VALUES],
        },
      );
  return {
    searchEngines: parts.includes('search-engines'),
    webhooks: parts.includes('webhooks'),
    notificationEmails: parts.includes('notification-emails'),
  };
}
