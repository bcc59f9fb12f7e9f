// Request rules checked before anything starts, and the plan's description of what will be masked.
import { ValidationError } from '../../util/errors.js';
import { COLUMN_RULES, KEYED_RULES } from './builtins.js';
import type { MaskOptions, MaskRule } from './masker.js';
import { NAME_PATTERNS, NEVER_MASKED } from './patterns.js';
import { STRATEGIES, type Strategy } from './strategies.js';

const NAME = /^[A-Za-z0-9_$]{1,64}$/;

/** Each rule: table (a name or `*`), column (a name, never user_pass), strategy, optional key. */
export function validateMaskRules(rules: unknown, field = 'mask'): MaskRule[] {
  if (!Array.isArray(rules))
    throw new ValidationError(field, `${field} must be a list of {table, column, strategy} rules`);
  return rules.map((r: unknown, i) => {
    const at = `${field}[${i}]`;
    if (!r || typeof r !== 'object' || Array.isArray(r))
      throw new ValidationError(at, `${at} must be {table, column, strategy} (key optional)`, {
        provided: r,
      });
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!['table', 'column', 'strategy', 'key'].includes(k))
        throw new ValidationError(
          `${at}.${k}`,
          `${at}.${k} is not a rule field; allowed: table, column, strategy, key`,
        );
    const table = o.table;
    if (typeof table !== 'string' || (table !== '*' && !NAME.test(table)))
      throw new ValidationError(
        `${at}.table`,
        `${at}.table must be a table name (letters, digits, _ and $) or *`,
        {
          provided: table,
        },
      );
    const column = o.column;
    if (typeof column !== 'string' || !NAME.test(column))
      throw new ValidationError(
        `${at}.column`,
        `${at}.column must be a column name (letters, digits, _ and $)`,
        {
          provided: column,
        },
      );
    if (NEVER_MASKED.has(column.toLowerCase()))
      throw new ValidationError(
        `${at}.column`,
        `${at}.column: ${column} is never masked (hashed passwords stay as they are)`,
        {
          provided: column,
        },
      );
    const strategy = o.strategy;
    if (typeof strategy !== 'string' || !(STRATEGIES as readonly string[]).includes(strategy))
      throw new ValidationError(`${at}.strategy`, `${at}.strategy must be one of ${STRATEGIES.join(', ')}`, {
        provided: strategy,
        allowed: STRATEGIES,
      });
    const key = o.key;
    if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > 191))
      throw new ValidationError(
        `${at}.key`,
        `${at}.key must be a meta_key / option_name of 1 to 191 characters`,
        {
          provided: key,
        },
      );
    return { table, column, strategy: strategy as Strategy, ...(key !== undefined ? { key } : {}) };
  });
}

/** What will be masked, as lines for the plan: never a value. */
export function describeMask(opts: MaskOptions | undefined): string[] {
  if (!opts) return ['nothing is masked'];
  const out: string[] = [];
  if (opts.builtins) {
    for (const r of COLUMN_RULES)
      out.push(`${r.table.source.replace('(^|_)', '*').replace('$', '')}.${r.column} → ${r.strategy}`);
    for (const r of KEYED_RULES)
      out.push(
        `${r.table.source.replace('(^|_)', '*').replace('$', '')}.${r.valueColumn} where ${r.keyColumn} is ${Object.entries(
          r.keys,
        )
          .map(([k, s]) => `${k} (${s})`)
          .join(', ')}`,
      );
    for (const p of NAME_PATTERNS) out.push(`any text column named ${p.shown} → ${p.strategy}`);
    out.push(
      'inside PHP-serialized and JSON values: strings under such keys, and e-mail addresses in settings',
    );
  }
  for (const r of opts.rules ?? [])
    out.push(`${r.table}.${r.column}${r.key ? ` where key is ${r.key}` : ''} → ${r.strategy} (request)`);
  const q = opts.quiet ?? {};
  if (q.searchEngines) out.push('quiet: blog_public (and multisite blogs.public) set to 0');
  if (q.webhooks) out.push('quiet: WooCommerce webhooks active → paused');
  if (q.notificationEmails) out.push('quiet: admin_email and WooCommerce notification addresses masked');
  out.push('never: user_pass');
  return out;
}
