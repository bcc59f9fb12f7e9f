// The emulator's seed scenarios: template-shaped services and variables, and seeds that really land
// in provisioned databases with the shapes a clone has to carry (serialized PHP, JSON-escaped URLs…).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { DatabaseHost, engineForImage, type PhysicalDatabase } from '../../src/emulator/databases.js';
import { scenarios, type Scenario } from '../../src/emulator/scenarios/index.js';
import { buildWordPressData } from '../../src/emulator/scenarios/wordpress-data.js';
import { phpSerialize, PhpObject } from '../../src/emulator/scenarios/php-serialize.js';

const host = new DatabaseHost({
  postgresAdminUrl: 'postgresql://postgres@127.0.0.1:5432/postgres',
  mysqlAdminUrl: 'mysql://root@127.0.0.1:3306/',
  prefix: `emusc_${randomBytes(3).toString('hex')}_`,
});
const envId = `env-${randomBytes(4).toString('hex')}`;
const domains = {
  Primary: `primary-production-${randomBytes(2).toString('hex')}.up.railway.app`,
  web: `web-production-${randomBytes(2).toString('hex')}.up.railway.app`,
};
const ctx = {
  publicDomain: (name: string) =>
    (domains as Record<string, string>)[name] ?? `${name.toLowerCase()}.up.railway.app`,
};

afterAll(async () => {
  await host.dropAll();
});

// --- a tiny PHP unserializer that insists on exact s:N byte lengths --------------------------------
type Php =
  null | boolean | number | string | Php[] | { [k: string]: Php } | { __class: string; [k: string]: Php };
function unserialize(text: string): Php {
  const buf = Buffer.from(text, 'utf8');
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`bad serialized data at byte ${pos}: ${why}`);
  };
  const expect = (s: string) => {
    if (buf.toString('latin1', pos, pos + s.length) !== s) fail(`expected ${s}`);
    pos += s.length;
  };
  const until = (ch: string) => {
    const end = buf.indexOf(ch, pos);
    if (end < 0) fail(`no ${ch}`);
    const out = buf.toString('utf8', pos, end);
    pos = end + 1;
    return out;
  };
  const entries = (n: number) => {
    const out: Record<string, Php> = {};
    expect('{');
    for (let i = 0; i < n; i++) {
      const k = value();
      if (typeof k !== 'string' && typeof k !== 'number') fail('bad key');
      out[String(k)] = value();
    }
    expect('}');
    return out;
  };
  const value = (): Php => {
    const t = String.fromCharCode(buf[pos]!);
    pos += 2;
    switch (t) {
      case 'N':
        pos -= 1;
        expect(';');
        return null;
      case 'b':
        return until(';') === '1';
      case 'i': {
        const v = until(';');
        if (!/^-?\d+$/.test(v)) fail(`int ${v}`);
        return Number(v);
      }
      case 'd':
        return Number(until(';'));
      case 's': {
        const n = Number(until(':'));
        expect('"');
        if (pos + n > buf.length) fail(`length ${n} overruns`);
        const s = buf.toString('utf8', pos, pos + n);
        pos += n;
        expect('";');
        return s;
      }
      case 'a':
        return entries(Number(until(':')));
      case 'O': {
        until(':');
        expect('"');
        const cls = until('"');
        expect(':');
        return { __class: cls, ...entries(Number(until(':'))) };
      }
      default:
        return fail(`type ${t}`);
    }
  };
  const v = value();
  if (pos !== buf.length) fail('trailing data');
  return v;
}
const looksSerialized = (v: unknown) =>
  typeof v === 'string' && /^(a:\d+:\{|O:\d+:"|s:\d+:"|i:-?\d+;|b:[01];|d:|N;$)/.test(v);

describe('php-serialize and the checker', () => {
  it('counts bytes, not characters, and round-trips nested values', () => {
    expect(phpSerialize('☕')).toBe('s:3:"☕";');
    expect(phpSerialize({ 5: 'x', a: [true, null, 1.5, -2] })).toBe(
      'a:2:{i:5;s:1:"x";s:1:"a";a:4:{i:0;b:1;i:1;N;i:2;d:1.5;i:3;i:-2;}}',
    );
    const obj = phpSerialize(new PhpObject('stdClass', { url: 'https://ä.example/' }));
    expect(obj).toBe('O:8:"stdClass":1:{s:3:"url";s:19:"https://ä.example/";}');
    expect(unserialize(obj)).toEqual({ __class: 'stdClass', url: 'https://ä.example/' });
    expect(() => unserialize('s:1:"☕";')).toThrow(/bad serialized/);
  });
});

describe('scenario shapes', () => {
  const builtins = /^RAILWAY_[A-Z_]+$/;
  function referencesResolve(s: Scenario) {
    const byName = new Map(s.services.map((svc) => [svc.name, svc]));
    for (const svc of s.services) {
      for (const [name, value] of Object.entries(svc.variables)) {
        for (const [, ref] of value.matchAll(/\$\{\{\s*([^}]+?)\s*\}\}/g)) {
          const [a, b] = ref!.split('.');
          if (b === undefined) {
            expect(builtins.test(a!) || a! in svc.variables, `${svc.name}.${name} → ${ref}`).toBe(true);
          } else if (a === 'shared') {
            expect(b in s.sharedVariables, `${svc.name}.${name} → ${ref}`).toBe(true);
          } else {
            const other = byName.get(a!);
            expect(other, `${svc.name}.${name} → ${ref}`).toBeDefined();
            expect(builtins.test(b) || b in other!.variables, `${svc.name}.${name} → ${ref}`).toBe(true);
          }
        }
      }
    }
  }

  it('has the six scenarios, every reference pointing at something that exists', () => {
    expect(Object.keys(scenarios).sort()).toEqual([
      'empty',
      'frontend-api',
      'postgres-app',
      'postgres-app-private',
      'wordpress',
      'wordpress-private',
    ]);
    for (const s of Object.values(scenarios)) referencesResolve(s);
    expect(scenarios.empty!.services).toEqual([]);
  });

  it('wordpress follows Railway’s template (MariaDB + Primary)', () => {
    const s = scenarios.wordpress!;
    const maria = s.services.find((x) => x.name === 'MariaDB')!;
    const primary = s.services.find((x) => x.name === 'Primary')!;
    expect(engineForImage(maria.image)).toBe('mariadb');
    expect(engineForImage(primary.image)).toBeNull();
    expect(maria).toMatchObject({ volumeMountPath: '/var/lib/mysql', tcpProxyPort: 3306 });
    expect(Object.keys(maria.variables).sort()).toEqual(
      [
        'MARIADB_DATABASE',
        'MARIADB_HOST',
        'MARIADB_PASSWORD',
        'MARIADB_PORT',
        'MARIADB_PRIVATE_HOST',
        'MARIADB_PRIVATE_PORT',
        'MARIADB_PRIVATE_URL',
        'MARIADB_ROOT_PASSWORD',
        'MARIADB_URL',
        'MARIADB_USER',
      ].sort(),
    );
    expect(maria.variables.MARIADB_DATABASE).toBe('railway');
    expect(maria.variables.MARIADB_HOST).toBe('${{RAILWAY_TCP_PROXY_DOMAIN}}');
    expect(maria.variables.MARIADB_URL).toBe(
      'mariadb://${{MARIADB_USER}}:${{MARIADB_PASSWORD}}@${{MARIADB_HOST}}:${{MARIADB_PORT}}/${{MARIADB_DATABASE}}',
    );
    expect(maria.variables.MARIADB_PASSWORD).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(maria.variables.MARIADB_PASSWORD).not.toBe(maria.variables.MARIADB_ROOT_PASSWORD);
    expect(primary).toMatchObject({
      volumeMountPath: '/var/www/html',
      serviceDomain: { targetPort: 80 },
      customDomain: 'www.example-shop.com',
    });
    expect(primary.variables.WORDPRESS_DB_HOST).toBe(
      '${{MariaDB.MARIADB_PRIVATE_HOST}}:${{MariaDB.MARIADB_PRIVATE_PORT}}',
    );
    expect(primary.variables.WORDPRESS_DB_PASSWORD).toBe('${{MariaDB.MARIADB_PASSWORD}}');
    const salts = Object.keys(primary.variables).filter((k) => /^WORDPRESS_.*_(KEY|SALT)$/.test(k));
    expect(salts).toHaveLength(8);
    expect(new Set(salts.map((k) => primary.variables[k])).size).toBe(8);
    expect(primary.variables.WORDPRESS_CONFIG_EXTRA).toContain(
      "define('WP_HOME','https://${{RAILWAY_PUBLIC_DOMAIN}}')",
    );
    expect(Object.keys(primary.sealedVariables ?? {})).toEqual(['STRIPE_SECRET_KEY']);
    expect('STRIPE_SECRET_KEY' in primary.variables).toBe(false);
    expect(s.sharedVariables.APP_ENV).toBe('production');
  });

  it('postgres-app has the PostgreSQL template’s exact variable set', () => {
    const s = scenarios['postgres-app']!;
    const pgSvc = s.services.find((x) => x.name === 'Postgres')!;
    const web = s.services.find((x) => x.name === 'web')!;
    expect(engineForImage(pgSvc.image)).toBe('postgres');
    expect(pgSvc).toMatchObject({
      image: 'ghcr.io/railwayapp-templates/postgres-ssl:18',
      volumeMountPath: '/var/lib/postgresql/data',
      tcpProxyPort: 5432,
    });
    expect(Object.keys(pgSvc.variables).sort()).toEqual(
      [
        'DATABASE_PUBLIC_URL',
        'DATABASE_URL',
        'PGDATA',
        'PGDATABASE',
        'PGHOST',
        'PGPASSWORD',
        'PGPORT',
        'PGUSER',
        'POSTGRES_DB',
        'POSTGRES_PASSWORD',
        'POSTGRES_USER',
        'RAILWAY_DEPLOYMENT_DRAINING_SECONDS',
        'SSL_CERT_DAYS',
      ].sort(),
    );
    expect(pgSvc.variables.POSTGRES_PASSWORD).toMatch(/^[A-Za-z]{32}$/);
    expect(pgSvc.variables.DATABASE_PUBLIC_URL).toBe(
      'postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/${{PGDATABASE}}',
    );
    expect(web).toMatchObject({ repo: 'acme/shop-api', serviceDomain: { targetPort: 8080 } });
    expect(web.image).toBeUndefined();
    expect(web.variables).toMatchObject({
      DATABASE_URL: '${{Postgres.DATABASE_URL}}',
      PUBLIC_URL: 'https://${{RAILWAY_PUBLIC_DOMAIN}}',
      NODE_ENV: 'production',
    });
    expect(Object.keys(web.sealedVariables ?? {})).toEqual(['SESSION_SECRET']);
  });
});

describe('wordpress seed', () => {
  let db: PhysicalDatabase;
  let conn: mysql.Connection;
  const site = `https://${domains.Primary}`;
  const built = buildWordPressData(site);

  beforeAll(async () => {
    db = await host.provision(
      'mariadb',
      { environmentId: envId, serviceName: 'MariaDB' },
      `pw-${randomBytes(8).toString('hex')}`,
    );
    await scenarios.wordpress!.seedDatabase('MariaDB', db, ctx);
    conn = await mysql.createConnection({
      host: db.host,
      port: db.port,
      user: db.user,
      password: db.password,
      database: db.database,
      dateStrings: true,
      charset: 'utf8mb4_unicode_520_ci',
    });
  });
  afterAll(async () => {
    await conn?.end();
  });

  const q = async <T = mysql.RowDataPacket>(sql: string, params: unknown[] = []) =>
    (await conn.query<mysql.RowDataPacket[]>(sql, params))[0] as T[];

  it('creates the 12 WordPress tables in utf8mb4_unicode_520_ci with their keys', async () => {
    const tables = await q<{ t: string; c: string }>(
      'SELECT TABLE_NAME AS t, TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1',
    );
    expect(tables.map((r) => r.t).sort()).toEqual(
      [
        'wp_commentmeta',
        'wp_comments',
        'wp_links',
        'wp_options',
        'wp_postmeta',
        'wp_posts',
        'wp_term_relationships',
        'wp_term_taxonomy',
        'wp_termmeta',
        'wp_terms',
        'wp_usermeta',
        'wp_users',
      ].sort(),
    );
    expect(new Set(tables.map((r) => r.c))).toEqual(new Set(['utf8mb4_unicode_520_ci']));
    const keys = await q<{ k: string }>(
      "SELECT DISTINCT INDEX_NAME AS k FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'wp_posts' ORDER BY 1",
    );
    expect(keys.map((r) => r.k)).toEqual([
      'post_author',
      'post_name',
      'post_parent',
      'PRIMARY',
      'type_status_date',
    ]);
    const pk = await q<{ c: string }>(
      "SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'wp_term_relationships' AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
    );
    expect(pk.map((r) => r.c)).toEqual(['object_id', 'term_taxonomy_id']);
  });

  it('loads every built row, a few hundred or more', async () => {
    let total = 0;
    for (const [table, { rows }] of Object.entries(built)) {
      const [{ n }] = (await q<{ n: number }>(`SELECT count(*) AS n FROM wp_${table}`)) as [{ n: number }];
      expect(Number(n), table).toBe(rows.length);
      total += rows.length;
    }
    expect(total).toBeGreaterThan(300);
    expect(built.posts!.rows.length).toBeGreaterThan(100);
  });

  it('points siteurl and home at the public domain', async () => {
    const rows = await q<{ option_name: string; option_value: string }>(
      "SELECT option_name, option_value FROM wp_options WHERE option_name IN ('siteurl','home','blogname') ORDER BY option_name",
    );
    expect(rows).toEqual([
      { option_name: 'blogname', option_value: 'Example Shop ☕' },
      { option_name: 'home', option_value: site },
      { option_name: 'siteurl', option_value: site },
    ]);
  });

  it('stores PHP-serialized values whose s:N lengths are exact byte counts', async () => {
    const sources: [string, string][] = [
      ['wp_options', 'option_value'],
      ['wp_postmeta', 'meta_value'],
      ['wp_usermeta', 'meta_value'],
      ['wp_commentmeta', 'meta_value'],
      ['wp_termmeta', 'meta_value'],
    ];
    let checked = 0;
    for (const [table, col] of sources) {
      for (const row of await q<{ v: string | null }>(`SELECT ${col} AS v FROM ${table}`)) {
        if (!looksSerialized(row.v)) continue;
        expect(() => unserialize(row.v!), `${table}: ${row.v!.slice(0, 60)}`).not.toThrow();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);

    const [mods] = await q<{ v: string }>(
      "SELECT option_value AS v FROM wp_options WHERE option_name = 'theme_mods_twentytwentyfour'",
    );
    const parsed = unserialize(mods!.v) as Record<string, Record<string, Php>>;
    expect(parsed.header_image_data).toMatchObject({
      __class: 'stdClass',
      url: `${site}/wp-content/uploads/2023/02/header.jpg`,
    });
    expect(mods!.v).toContain('O:8:"stdClass"');
    expect((parsed.acme_settings!.layout as Record<string, Php>).ratio).toBe(16 / 9);

    // Double serialization: the option is a serialized string that holds serialized data.
    const [blob] = await q<{ v: string }>(
      "SELECT option_value AS v FROM wp_options WHERE option_name = 'acme_cache_blob'",
    );
    const inner = unserialize(blob!.v);
    expect(typeof inner).toBe('string');
    expect(unserialize(inner as string)).toMatchObject({ home: site });

    // Multibyte text inside serialized strings.
    const [widget] = await q<{ v: string }>(
      "SELECT option_value AS v FROM wp_options WHERE option_name = 'widget_text'",
    );
    expect(widget!.v).toContain('s:15:"Öffnungszeiten"');
    expect(widget!.v).toContain('He said "hi"; then left.');
  });

  it('has JSON-escaped and plain absolute URLs in content, guids and meta', async () => {
    const escaped = `https:\\/\\/${domains.Primary}\\/`;
    const [{ n: jsonPosts }] = (await q<{ n: number }>(
      'SELECT count(*) AS n FROM wp_posts WHERE INSTR(post_content, ?) > 0',
      [escaped],
    )) as [{ n: number }];
    expect(Number(jsonPosts)).toBeGreaterThan(10);
    const [cover] = await q<{ c: string }>(
      "SELECT post_content AS c FROM wp_posts WHERE post_content LIKE '%<!-- wp:cover {%' LIMIT 1",
    );
    expect(cover!.c).toMatch(
      new RegExp(
        `<!-- wp:cover \\{"url":"https:\\\\/\\\\/${domains.Primary.replace(/\./g, '\\.')}\\\\/wp-content`,
      ),
    );
    const [{ n: guids }] = (await q<{ n: number }>(
      "SELECT count(*) AS n FROM wp_posts WHERE guid LIKE CONCAT(?, '%')",
      [site],
    )) as [{ n: number }];
    expect(Number(guids)).toBe(built.posts!.rows.length);
    const [{ n: elementor }] = (await q<{ n: number }>(
      "SELECT count(*) AS n FROM wp_postmeta WHERE meta_key = '_elementor_data' AND INSTR(meta_value, ?) > 0",
      [escaped],
    )) as [{ n: number }];
    expect(Number(elementor)).toBeGreaterThan(0);
    const [meta] = await q<{ v: string }>(
      "SELECT meta_value AS v FROM wp_postmeta WHERE meta_key = '_wp_attachment_metadata' LIMIT 1",
    );
    expect(unserialize(meta!.v)).toMatchObject({ sizes: { thumbnail: { width: 150 } } });
  });

  it('keeps emoji, multibyte text, NULLs, zero dates and password hashes', async () => {
    const [{ n: emoji }] = (await q<{ n: number }>(
      "SELECT count(*) AS n FROM wp_comments WHERE comment_content LIKE '%👍%'",
    )) as [{ n: number }];
    expect(Number(emoji)).toBeGreaterThan(0);
    const [{ n: nulls }] = (await q<{ n: number }>(
      'SELECT (SELECT count(*) FROM wp_postmeta WHERE meta_value IS NULL) + (SELECT count(*) FROM wp_usermeta WHERE meta_key IS NULL) AS n',
    )) as [{ n: number }];
    expect(Number(nulls)).toBeGreaterThan(1);
    const [{ n: zero }] = (await q<{ n: number }>(
      "SELECT count(*) AS n FROM wp_posts WHERE post_status = 'draft' AND post_date_gmt = '0000-00-00 00:00:00'",
    )) as [{ n: number }];
    expect(Number(zero)).toBeGreaterThan(0);
    const users = await q<{ user_login: string; user_pass: string; display_name: string }>(
      'SELECT user_login, user_pass, display_name FROM wp_users ORDER BY ID',
    );
    expect(users[0]!.user_pass).toMatch(/^\$wp\$2y\$10\$[./A-Za-z0-9]{53}$/);
    expect(users[1]!.user_pass).toMatch(/^\$P\$B[./0-9A-Za-z]{30}$/);
    expect(users.map((u) => u.display_name)).toContain('山田太郎');
    // Byte-exact round trip of the stored text.
    const [row] = await q<{ v: string }>(
      "SELECT option_value AS v FROM wp_options WHERE option_name = 'theme_mods_twentytwentyfour'",
    );
    const expected = built.options!.rows.find((r) => r[1] === 'theme_mods_twentytwentyfour')![2];
    expect(row!.v).toBe(expected);
  });

  it('is deterministic and can be re-seeded in place', async () => {
    expect(buildWordPressData(site)).toEqual(built);
    await scenarios.wordpress!.seedDatabase('MariaDB', db, ctx);
    const [{ n }] = (await q<{ n: number }>('SELECT count(*) AS n FROM wp_options')) as [{ n: number }];
    expect(Number(n)).toBe(built.options!.rows.length);
  });

  it('ignores services without a database and refuses the wrong engine', async () => {
    await expect(scenarios.wordpress!.seedDatabase('Primary', db, ctx)).resolves.toBeUndefined();
    await expect(
      scenarios.wordpress!.seedDatabase('MariaDB', { ...db, engine: 'postgres' }, ctx),
    ).rejects.toThrow(/db\.engine|MariaDB/);
  });
});

describe('postgres-app seed', () => {
  let db: PhysicalDatabase;
  let c: pg.Client;
  const base = `https://${domains.web}`;

  beforeAll(async () => {
    db = await host.provision(
      'postgres',
      { environmentId: envId, serviceName: 'Postgres' },
      `pw-${randomBytes(8).toString('hex')}`,
    );
    await scenarios['postgres-app']!.seedDatabase('Postgres', db, ctx);
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
  });
  afterAll(async () => {
    await c?.end();
  });

  it('creates related tables with data', async () => {
    const { rows } = await c.query<{
      customers: number;
      products: number;
      orders: number;
      items: number;
      settings: number;
    }>(
      `SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM products)::int AS products,
              (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_items)::int AS items,
              (SELECT count(*) FROM settings)::int AS settings`,
    );
    expect(rows[0]).toMatchObject({ customers: 40, products: 30, orders: 120, settings: 3 });
    expect(rows[0]!.items).toBeGreaterThanOrEqual(120);
    const fks = await c.query(
      "SELECT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' ORDER BY 1",
    );
    expect(fks.rows.map((r) => r.t)).toEqual(['order_items', 'order_items', 'orders']);
  });

  it('has an enum, jsonb, text[], bytea, a sequence, a view and a working trigger', async () => {
    const types = await c.query(
      `SELECT table_name || '.' || column_name AS col, data_type, udt_name FROM information_schema.columns
        WHERE table_schema = 'public' AND (table_name, column_name) IN
          (('orders','status'),('customers','profile'),('customers','tags'),('customers','avatar_thumb'),('orders','placed_at'))
        ORDER BY 1`,
    );
    expect(types.rows.map((r) => `${r.col}:${r.udt_name}`)).toEqual([
      'customers.avatar_thumb:bytea',
      'customers.profile:jsonb',
      'customers.tags:_text',
      'orders.placed_at:timestamptz',
      'orders.status:order_status',
    ]);
    const skus = await c.query('SELECT sku FROM products ORDER BY id LIMIT 2');
    expect(skus.rows.map((r) => r.sku)).toEqual(['SKU-1000', 'SKU-1007']);
    const totals = await c.query('SELECT count(*)::int AS n, min(total) > 0 AS positive FROM order_totals');
    expect(totals.rows[0]).toEqual({ n: 120, positive: true });
    const touched = await c.query(
      'SELECT count(*) FILTER (WHERE updated_at IS NOT NULL)::int AS touched, count(*) FILTER (WHERE updated_at IS NULL)::int AS untouched FROM orders',
    );
    expect(touched.rows[0]).toEqual({ touched: 12, untouched: 108 });
    // The trigger keeps working for the app's own role.
    await c.query('UPDATE customers SET name = name WHERE id = 1');
    const cu = await c.query('SELECT updated_at IS NOT NULL AS set FROM customers WHERE id = 1');
    expect(cu.rows[0].set).toBe(true);
  });

  it('mentions the public URL in rows', async () => {
    const s = await c.query("SELECT value FROM settings WHERE key = 'public_url'");
    expect(s.rows[0].value).toBe(base);
    const j = await c.query("SELECT metadata->>'receipt_url' AS u FROM orders WHERE id = 1");
    expect(j.rows[0].u).toBe(`${base}/orders/1/receipt`);
    const p = await c.query('SELECT count(*)::int AS n FROM products WHERE image_url LIKE $1', [`${base}/%`]);
    expect(p.rows[0].n).toBe(30);
    const nulls = await c.query('SELECT count(*)::int AS n FROM products WHERE description IS NULL');
    expect(nulls.rows[0].n).toBeGreaterThan(0);
  });

  it('re-seeds in place and refuses the wrong engine', async () => {
    await scenarios['postgres-app']!.seedDatabase('Postgres', db, ctx);
    const n = await c.query('SELECT count(*)::int AS n FROM orders');
    expect(n.rows[0].n).toBe(120);
    await expect(scenarios['postgres-app']!.seedDatabase('web', db, ctx)).resolves.toBeUndefined();
    await expect(
      scenarios['postgres-app']!.seedDatabase('Postgres', { ...db, engine: 'mariadb' }, ctx),
    ).rejects.toThrow(/db\.engine|PostgreSQL/);
  });
});
