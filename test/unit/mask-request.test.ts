// The mask fields of the clone request and the --mask flags: defaults by environment type, clear
// errors naming the field, and what the clone and db copy commands make of them.
import { describe, expect, it } from 'vitest';
import { maskOptionsFor, maskPlan, quietVariables } from '../../src/clone/masking.js';
import { copyOptionsFromFlags } from '../../src/commands/db-copy.js';
import { requestFromFlags } from '../../src/commands/clone.js';
import { CloneRequestSchema, maskSettings, parseInput } from '../../src/inputs/index.js';

const parse = (extra: Record<string, unknown>) =>
  parseInput(CloneRequestSchema, { client_name: 'acme', ...extra });
const flags = {
  source: 'postgresql://postgres@127.0.0.1:5432/a',
  target: 'postgresql://postgres@127.0.0.1:5432/b',
  rewrite: [],
  include: [],
  exclude: [],
  skipColumns: [],
  replaceTarget: false,
  checksums: false,
  json: false,
};

describe('mask request fields', () => {
  it('defaults by environment type: prod exact, others masked and quiet', () => {
    expect(maskSettings(parse({ environment_type: 'prod' }))).toMatchObject({
      builtins: false,
      quiet: { search_engines: false, webhooks: false, notification_emails: false, cron: false },
    });
    expect(maskOptionsFor(parse({ environment_type: 'prod' }))).toBeUndefined();
    expect(maskSettings(parse({}))).toMatchObject({
      builtins: true,
      rules: [],
      quiet: { search_engines: true, webhooks: true, notification_emails: true, cron: true },
    });
    const r = parse({
      environment_type: 'prod',
      mask: [{ table: 'wp_users', column: 'user_login', strategy: 'hash' }],
      quiet_wordpress: { webhooks: true },
    });
    expect(maskOptionsFor(r, 'k'.repeat(16))).toMatchObject({
      builtins: true,
      rules: [{ table: 'wp_users', column: 'user_login', strategy: 'hash' }],
      quiet: { searchEngines: false, webhooks: true, notificationEmails: false },
    });
    expect(maskPlan(parse({ quiet_wordpress: false })).quiet_wordpress).toEqual(['off']);
    expect(maskPlan(parse({})).masking.join('\n')).toContain('usermeta');
  });

  it('refuses bad fields, naming them', () => {
    expect(() => parse({ mask: 'some' })).toThrow(/mask/);
    expect(() => parse({ mask: [{ table: 'wp_users', column: 'user_pass', strategy: 'hash' }] })).toThrow(
      /user_pass is never masked/,
    );
    expect(() => parse({ mask: [{ table: 'wp_users', column: 'x', strategy: 'scramble' }] })).toThrow(
      /mask\.0\.strategy: Invalid option: expected one of "email"/,
    );
    expect(() => parse({ mask_key: 'short' })).toThrow(/mask_key is 16 to 256 characters/);
    expect(() => parse({ quiet_wordpress: { cron: true, email: false } })).toThrow(/quiet_wordpress/);
  });

  it('turns WP-Cron off in WORDPRESS_CONFIG_EXTRA only for the wordpress image, keeping what was there', () => {
    const r = parse({});
    expect(
      quietVariables(r, { name: 'wp', wordpress: true }, { WORDPRESS_CONFIG_EXTRA: "define('A', 1);" }),
    ).toEqual({
      WORDPRESS_CONFIG_EXTRA: "define('A', 1);\ndefine('DISABLE_WP_CRON', true);",
    });
    expect(quietVariables(r, { name: 'app' }, {})).toEqual({});
    expect(
      quietVariables(parse({ quiet_wordpress: { cron: false } }), { name: 'wp', wordpress: true }, {}),
    ).toEqual({});
  });
});

describe('--mask flags', () => {
  it('clone: default, none or rules into the request', () => {
    const base = { client: 'acme', rewrite: true, basicAuth: true, data: true, quiet: true };
    expect(requestFromFlags({ ...base, mask: ['default'] })).toMatchObject({ mask: 'default' });
    expect(requestFromFlags({ ...base, mask: ['wp_usermeta.meta_value[tel]=phone'] })).toMatchObject({
      mask: [{ table: 'wp_usermeta', column: 'meta_value', key: 'tel', strategy: 'phone' }],
    });
    expect(requestFromFlags({ ...base, quiet: false })).toMatchObject({ quiet_wordpress: false });
    expect(() => requestFromFlags({ ...base, mask: ['users.email'] })).toThrow(
      /--mask is none, default, or TABLE\.COLUMN=STRATEGY/,
    );
  });
  it('db copy: --mask and --quiet into the copy options', () => {
    expect(copyOptionsFromFlags(flags).mask).toBeUndefined();
    expect(copyOptionsFromFlags({ ...flags, mask: ['default', '*.notes=null'] }).mask).toMatchObject({
      builtins: true,
      rules: [{ table: '*', column: 'notes', strategy: 'null' }],
      quiet: { searchEngines: true, webhooks: true, notificationEmails: true },
    });
    expect(
      copyOptionsFromFlags({ ...flags, mask: ['none', 'crm.email=email'], quiet: 'webhooks' }).mask,
    ).toMatchObject({
      builtins: false,
      quiet: { searchEngines: false, webhooks: true, notificationEmails: false },
    });
    expect(() => copyOptionsFromFlags({ ...flags, mask: ['t.c=shuffle'] })).toThrow(
      /--mask\[0\]\.strategy must be one of/,
    );
    expect(() => copyOptionsFromFlags({ ...flags, quiet: 'cron' })).toThrow(/--quiet is all, none/);
    expect(() => copyOptionsFromFlags({ ...flags, mask: ['default'], maskKey: 'short' })).toThrow(
      /--mask-key/,
    );
  });
});
