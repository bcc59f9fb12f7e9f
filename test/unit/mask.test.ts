// The masking strategies and rules on their own: deterministic per key, format kept, serialized
// lengths right, request rules over built-ins, user_pass never.
import { describe, expect, it } from 'vitest';
import {
  MASK_DOMAIN,
  applyStrategy,
  createDigest,
  createMasker,
  maskValue,
  validateMaskRules,
} from '../../src/data/mask/index.js';
import { isValidSerialized } from '../../src/data/rewrite/index.js';

const d = await createDigest('k1');

function rowOf(values: (string | null)[]) {
  const row = [...values];
  const changed = new Set<number>();
  return {
    row,
    changed,
    get: (i: number) => row[i] ?? null,
    set: (i: number, v: string | null) => {
      row[i] = v;
      changed.add(i);
    },
  };
}

describe('strategies', () => {
  it('masks e-mails deterministically per key, case-insensitively, at the reserved domain', async () => {
    const a = applyStrategy('email', 'Jane.Doe@Example.org', d);
    expect(a).toBe(applyStrategy('email', 'jane.doe@example.org ', d));
    expect(a).toMatch(new RegExp(`^u[a-z2-7]{13}@${MASK_DOMAIN}$`));
    expect(applyStrategy('email', 'jane.doe@example.org', await createDigest('k2'))).not.toBe(a);
    expect(applyStrategy('email', 'john.doe@example.org', d)).not.toBe(a);
  });
  it('keeps formats: phone punctuation, IPv4/IPv6, name capitalisation and word count', () => {
    const phone = applyStrategy('phone', '+1 (555) 010-9999', d) as string;
    expect(phone).toMatch(/^\+\d \(\d{3}\) \d{3}-\d{4}$/);
    expect(phone).not.toBe('+1 (555) 010-9999');
    expect(applyStrategy('ip', '198.51.100.7', d)).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(applyStrategy('ip', '2001:db8::1', d)).toMatch(/^fd[0-9a-f]{2}:/);
    const name = applyStrategy('name', 'Jane van Doe', d) as string;
    expect(name.split(' ').map((w) => w[0] === w[0]!.toUpperCase())).toEqual([true, false, true]);
    expect(name).not.toContain('Jane');
    expect(applyStrategy('null', 'x', d)).toBeNull();
    expect(applyStrategy('hash', 'x', d)).toMatch(/^[0-9a-f]{16}$/);
  });
  it('masks inside serialized data with valid byte lengths, by key', () => {
    const v = 'a:2:{s:2:"ip";s:11:"192.0.2.55";s:5:"email";s:11:"a@b.example";}'.replace(
      's:11:"192.0.2.55"',
      's:10:"192.0.2.55"',
    );
    expect(isValidSerialized(v)).toBe(true);
    const out = maskValue(v, 'auto', d) as string;
    expect(isValidSerialized(out)).toBe(true);
    expect(out).not.toContain('192.0.2.55');
    expect(out).not.toContain('a@b.example');
    expect(out).toContain(applyStrategy('email', 'a@b.example', d));
  });
  it('masks inside JSON by key and leaves plain non-personal text alone under auto', () => {
    const out = JSON.parse(maskValue('{"contact":{"phone":"555-0100","note":"hi"}}', 'auto', d) as string);
    expect(out.contact.note).toBe('hi');
    expect(out.contact.phone).not.toBe('555-0100');
    const same = 'plain text';
    expect(maskValue(same, 'auto', d)).toBe(same);
  });
});

describe('rules', () => {
  const cols = (...names: string[]) => names.map((name) => ({ name, textLike: true }));
  it('built-ins by table and column-name pattern; user_pass never; request rules override', async () => {
    const m = (await createMasker({ builtins: true, key: 'k' }))!;
    const users = m.forTable('wp_users', cols('user_login', 'user_pass', 'user_email', 'display_name'))!;
    expect(users.columns.map((c) => `${c.column}:${c.strategy}`)).toEqual([
      'user_email:email',
      'display_name:name',
    ]);
    expect(
      m.forTable('orders', cols('id', 'customer_email', 'shipping_address', 'client_ip'))!.columns,
    ).toEqual([
      { column: 'customer_email', strategy: 'email' },
      { column: 'shipping_address', strategy: 'address' },
      { column: 'client_ip', strategy: 'ip' },
    ]);
    expect(m.forTable('wp_posts', cols('post_title', 'post_content'))).toBeUndefined();
    const o = (await createMasker({
      builtins: true,
      key: 'k',
      rules: [
        { table: 'wp_users', column: 'display_name', strategy: 'keep' },
        { table: '*', column: 'user_login', strategy: 'hash' },
      ],
    }))!;
    expect(o.forTable('WP_USERS', cols('user_login', 'display_name', 'user_email'))!.columns).toEqual([
      { column: 'user_login', strategy: 'hash' },
      { column: 'user_email', strategy: 'email' },
    ]);
  });
  it('masks key/value rows by key, and only the rows whose key is personal are decoded', async () => {
    const m = (await createMasker({
      builtins: false,
      key: 'k',
      rules: [{ table: 'wp_usermeta', column: 'meta_value', key: 'tel', strategy: 'phone' }],
    }))!;
    const t = m.forTable('wp_usermeta', cols('umeta_id', 'meta_key', 'meta_value'))!;
    const a = rowOf(['1', 'tel', '555 0100']);
    t.maskRow(a.get, a.set);
    expect([...a.changed]).toEqual([2]);
    const b = rowOf(['2', 'other', '555 0100']);
    t.maskRow(b.get, b.set);
    expect(b.changed.size).toBe(0);
    expect(t.masked).toBe(1);
  });
  it('refuses bad rules naming the field', () => {
    expect(() => validateMaskRules([{ table: 'wp_users', column: 'user_pass', strategy: 'hash' }])).toThrow(
      /mask\[0\]\.column: user_pass is never masked/,
    );
    expect(() => validateMaskRules([{ table: 'x', column: 'y', strategy: 'scramble' }])).toThrow(
      /mask\[0\]\.strategy must be one of email, name, phone, address, ip, hash, null, keep/,
    );
    expect(() => validateMaskRules([{ table: 'x;drop', column: 'y', strategy: 'hash' }])).toThrow(
      /mask\[0\]\.table/,
    );
  });
});
