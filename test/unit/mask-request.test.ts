// The mask fields of the clone request and the --mask flags: defaults by environment type, clear
// errors naming the field, and what the clone and db copy commands make of them.
import { describe, expect, it } from 'vitest';
import { maskOptionsFor, maskPlan, quietVariables } from '../../src/clone/masking.js';
import { copyOptionsFromFlags } from '../../src/commands/db-copy.js';
import { requestFromFlags } from '../../src/commands/clone.js';
import { CloneRequestSchema, maskSettings, parseInput } from '../../src/inputs/index.js';
import { cloneMaskKey, namedMaskKey } from '../../src/clone/mask-key.js';
import { ValidationError, toErrorBody } from '../../src/util/errors.js';
import { redact } from '../../src/util/secrets.js';

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
    // A key in a request is refused as an unknown field (never echoed); the request names it instead.
    const secret = 'k'.repeat(32);
    let refused: unknown;
    try {
      parse({ mask_key: secret });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).message).toMatch(/unknown field\(s\) in request: mask_key/);
    expect(JSON.stringify(toErrorBody(refused))).not.toContain(secret);
    expect(JSON.stringify(toErrorBody(refused))).toContain('mask_key_name');
    expect(() => parse({ mask_key_name: 'no-dashes' })).toThrow(/mask_key_name is 1 to 40 letters/);
    expect(parse({ mask_key_name: 'acme_1' }).mask_key_name).toBe('ACME_1');
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

describe('the named masking key', () => {
  const key = 'a-masking-key-0123456789';
  it('is read from RAILCLONE_MASK_KEY_<NAME> (or the flow’s RAILCLONE_NAMED_MASK_KEY) and registered as a secret', () => {
    expect(namedMaskKey('ACME', { RAILCLONE_MASK_KEY_ACME: key })).toBe(key);
    expect(namedMaskKey('ACME', { RAILCLONE_NAMED_MASK_KEY: key })).toBe(key);
    expect(redact(`x ${key} y`)).not.toContain(key);
    expect(cloneMaskKey({ mask_key_name: 'ACME' }, { RAILCLONE_MASK_KEY_ACME: key })).toBe(key);
  });

  it('without a name is random per clone', () => {
    const a = cloneMaskKey({}, {});
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(cloneMaskKey({}, {})).not.toBe(a);
  });

  it('names mask_key_name and the setting when it is missing or too short, never the value', () => {
    expect(() => namedMaskKey('ACME', {})).toThrow(
      /mask_key_name "ACME" names the setting RAILCLONE_MASK_KEY_ACME/,
    );
    let err: unknown;
    try {
      namedMaskKey('ACME', { RAILCLONE_MASK_KEY_ACME: 'short-key' });
    } catch (e) {
      err = e;
    }
    expect((err as ValidationError).field).toBe('mask_key_name');
    expect((err as Error).message).toBe('RAILCLONE_MASK_KEY_ACME must be 16 to 256 characters');
    expect(JSON.stringify(toErrorBody(err))).not.toContain('short-key');
  });
});
