// Masking in flight on both engines: a WordPress + WooCommerce database full of generated personal
// data copied with the built-in rules (`mask: default`) and a quiet staging WordPress.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDatabase } from '../../src/data/copy.js';
import type { CopyReport } from '../../src/data/types.js';
import { MASK_DOMAIN } from '../../src/data/mask/index.js';
import {
  ADMIN_EMAIL,
  PASSWORD_HASH,
  people,
  phpRejects,
  secretsOf,
  wordpressTables,
  type Person,
  type Table,
} from './mask-fixture.js';
import { createDb, dropAll, type TestDb } from './mysql-helpers.js';
import { databases, sql } from './pg-helpers.js';

type Row = Record<string, unknown>;

interface Engine {
  name: string;
  /** Creates the source (filled) and an empty target; returns their URLs. */
  setup(tables: Table[]): Promise<{ source: string; target: string }>;
  /** Every row of a table on the target, column names as in the fixture (lower-cased keys). */
  rows(table: string): Promise<Row[]>;
  teardown(): Promise<void>;
}

function pgEngine(): Engine {
  const dbs = databases('mask');
  let target = '';
  return {
    name: 'postgres',
    async setup(tables) {
      const source = await dbs.create('src');
      target = await dbs.create('dst');
      for (const t of tables) {
        await sql(source, `CREATE TABLE ${t.name} (${t.ddl.replace(/LONGTEXT/g, 'TEXT')})`);
        for (let i = 0; i < t.rows.length; i += 500) {
          const chunk = t.rows.slice(i, i + 500);
          const params: unknown[] = [];
          const values = chunk
            .map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`)
            .join(', ');
          await sql(source, `INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES ${values}`, params);
        }
      }
      return { source, target };
    },
    async rows(table) {
      return (await sql<Row>(target, `SELECT * FROM ${table}`)).map(lowerKeys);
    },
    teardown: () => dbs.dropAll(),
  };
}

function mysqlEngine(): Engine {
  const made: TestDb[] = [];
  let dst: TestDb;
  return {
    name: 'mariadb',
    async setup(tables) {
      const src = await createDb('mask_src');
      dst = await createDb('mask_dst');
      made.push(src, dst);
      for (const t of tables) {
        await src.conn.query(`CREATE TABLE ${t.name} (${t.ddl}) DEFAULT CHARSET=utf8mb4`);
        for (let i = 0; i < t.rows.length; i += 500)
          await src.conn.query(`INSERT INTO ${t.name} (${t.columns.join(', ')}) VALUES ?`, [
            t.rows.slice(i, i + 500),
          ]);
      }
      return { source: src.url, target: dst.url };
    },
    async rows(table) {
      const [rows] = await dst.conn.query<mysql.RowDataPacket[]>(`SELECT * FROM ${table}`);
      return rows.map((r) => lowerKeys(r as Row));
    },
    teardown: () => dropAll(made),
  };
}

const lowerKeys = (r: Row): Row =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));

describe.each([pgEngine, mysqlEngine])('masking in flight (%o)', (make) => {
  const engine = make();
  const ps: Person[] = people(120);
  const tables = wordpressTables(ps, 'LONGTEXT');
  let report: CopyReport;
  const data = new Map<string, Row[]>();

  beforeAll(async () => {
    const { source, target } = await engine.setup(tables);
    report = await copyDatabase({
      source,
      target,
      mask: { builtins: true, quiet: { searchEngines: true, webhooks: true, notificationEmails: true } },
    });
    for (const t of tables) data.set(t.name, await engine.rows(t.name));
  }, 120_000);
  afterAll(() => engine.teardown());

  const col = (table: string, column: string) => (data.get(table) ?? []).map((r) => r[column.toLowerCase()]);
  const meta = (table: string, key: string) =>
    (data.get(table) ?? []).filter((r) => r.meta_key === key).map((r) => String(r.meta_value));

  it('leaves no original e-mail, name, phone, IP or street in any text column', () => {
    const text: string[] = [];
    for (const rows of data.values())
      for (const r of rows) for (const v of Object.values(r)) if (typeof v === 'string') text.push(v);
    const all = text.join('\n');
    const left = secretsOf(ps).filter((s) => all.includes(s));
    expect(left).toEqual([]);
    // and the report (what the CLI prints and the flow outputs) holds none either
    const shown = JSON.stringify(report);
    expect(secretsOf(ps).filter((s) => shown.includes(s))).toEqual([]);
  });

  it('keeps every e-mail column unique, valid and at the reserved domain', () => {
    for (const [table, column] of [
      ['wp_users', 'user_email'],
      ['wp_wc_orders', 'billing_email'],
      ['crm_contacts', 'email'],
    ] as const) {
      const emails = col(table, column).map(String);
      expect(new Set(emails).size).toBe(ps.length);
      for (const e of emails) expect(e).toMatch(new RegExp(`^[a-z0-9]+@${MASK_DOMAIN.replace('.', '\\.')}$`));
    }
  });

  it('masks the same e-mail the same way in users, usermeta, comments, orders and addresses', () => {
    const users = data.get('wp_users')!;
    const byUser = new Map(users.map((u) => [Number(u.id), String(u.user_email)]));
    const billing = (data.get('wp_usermeta') ?? []).filter((r) => r.meta_key === 'billing_email');
    expect(billing.length).toBe(ps.length);
    for (const r of billing) expect(r.meta_value).toBe(byUser.get(Number(r.user_id)));
    const comments = data.get('wp_comments')!;
    for (const c of comments) expect(c.comment_author_email).toBe(byUser.get(Number(c.comment_id)));
    for (const o of data.get('wp_wc_orders')!)
      expect(o.billing_email).toBe(byUser.get(Number(o.customer_id)));
    const orderEmail = new Map(data.get('wp_wc_orders')!.map((o) => [Number(o.id), String(o.billing_email)]));
    for (const a of data.get('wp_wc_order_addresses')!)
      expect(a.email).toBe(orderEmail.get(Number(a.order_id)));
    const postmetaEmails = (data.get('wp_postmeta') ?? []).filter((r) => r.meta_key === '_billing_email');
    for (const m of postmetaEmails) expect(m.meta_value).toBe(orderEmail.get(Number(m.post_id)));
    // inside JSON too
    for (const m of (data.get('wp_postmeta') ?? []).filter((r) => r.meta_key === '_wc_extra'))
      expect(JSON.parse(String(m.meta_value)).contact.email).toBe(orderEmail.get(Number(m.post_id)));
  });

  it('keeps serialized values valid for PHP, with the IPs inside masked', () => {
    const serialized = [...meta('wp_usermeta', 'session_tokens'), ...meta('wp_usermeta', 'wp_capabilities')];
    const options = data.get('wp_options')!;
    serialized.push(
      String(options.find((o) => o.option_name === 'woocommerce_new_order_settings')?.option_value),
    );
    expect(serialized.length).toBe(2 * ps.length + 1);
    expect(phpRejects(serialized)).toEqual([]);
    expect(serialized.join('')).toContain(`@${MASK_DOMAIN}`);
  });

  it('never touches user_pass; keeps logins and non-personal data', () => {
    expect(new Set(col('wp_users', 'user_pass'))).toEqual(new Set([PASSWORD_HASH]));
    expect(col('wp_users', 'user_login')).toEqual(ps.map((_, i) => `customer${i + 1}`));
    expect(meta('wp_postmeta', '_order_total')).toEqual(ps.map(() => '19.99'));
    expect(new Set(col('wp_wc_order_addresses', 'country'))).toEqual(new Set(['DE']));
  });

  it('makes the staging WordPress quiet: not public, webhooks paused, admin address masked', () => {
    const opt = (name: string) => data.get('wp_options')!.find((o) => o.option_name === name)?.option_value;
    expect(opt('blog_public')).toBe('0');
    expect(opt('admin_email')).not.toBe(ADMIN_EMAIL);
    expect(String(opt('admin_email'))).toMatch(new RegExp(`@${MASK_DOMAIN.replace('.', '\\.')}$`));
    expect(opt('siteurl')).toBe('https://shop.example.com');
    const hooks = data.get('wp_wc_webhooks')!;
    expect(hooks.map((h) => [Number(h.webhook_id), h.status]).sort()).toEqual([
      [1, 'paused'],
      [2, 'disabled'],
    ]);
  });

  it('reports masked values and columns per table', () => {
    const users = report.tables.find((t) => t.table === 'wp_users');
    expect(users?.masked).toBe(2 * ps.length);
    expect(users?.maskedColumns?.map((c) => `${c.column}:${c.strategy}`).sort()).toEqual([
      'display_name:name',
      'user_email:email',
    ]);
    expect(report.tables.find((t) => t.table === 'wp_posts')?.masked).toBeUndefined();
    expect(report.maskedValues).toBe(report.tables.reduce((n, t) => n + (t.masked ?? 0), 0));
  });
});
