// Cost of masking personal data in flight, run by hand:
//   npx tsx bench/mask.ts [--size-mb 40] [--jobs 2] [--repeat 3] [--engine postgres|mariadb|both]
// A WordPress + WooCommerce shaped database (the copy benches' posts/postmeta/comments/options, plus
// users, usermeta with billing fields and sessions, orders as postmeta and HPOS tables), copied four
// ways on each engine: plain, masked (`mask: default` + quiet), URL rewrite, rewrite + masked.
// Prints the median of each (wall time, and this process's CPU time: where masking and rewriting run),
// the ratios to the plain copy, and the load average (the machine is shared).
import { loadavg } from 'node:os';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { copyDatabase } from '../src/data/copy.js';
import type { CopyOptions, CopyReport } from '../src/data/types.js';
import { setLogLevel } from '../src/util/log.js';
import { generateWordpress } from './datasets/wordpress-mysql.js';
import { generateWordpressPg, SITE } from './datasets/wordpress-pg.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const sizeMb = Number(arg('size-mb', '40'));
const jobs = Number(arg('jobs', '2'));
const repeat = Math.max(1, Number(arg('repeat', '3')));
const engines = arg('engine', 'both');
if (!['postgres', 'mariadb', 'both'].includes(engines)) {
  console.error(`--engine must be postgres, mariadb or both (got ${engines})`);
  process.exit(2);
}
const PG = 'postgresql://postgres@127.0.0.1:5432';
const MY = 'mysql://root@127.0.0.1:3306';
setLogLevel('warn');

/** Customers with orders: their rows are the personal data (about a third of the rows copied). */
const customers = Math.max(500, Math.round(sizeMb * 150));

type Exec = (sql: string, rows: unknown[][]) => Promise<void>;

async function personalData(exec: Exec, ddl: (sql: string) => Promise<void>, hasUsers: boolean) {
  if (!hasUsers)
    await ddl(`CREATE TABLE wp_users (ID bigint PRIMARY KEY, user_login varchar(60), user_pass varchar(255),
      user_email varchar(100), user_url varchar(100))`);
  await ddl(
    `CREATE TABLE wp_usermeta (umeta_id bigint PRIMARY KEY, user_id bigint, meta_key varchar(255), meta_value text)`,
  );
  await ddl(
    `CREATE TABLE wp_wc_orders (id bigint PRIMARY KEY, status varchar(20), billing_email varchar(320), ip_address varchar(100), customer_id bigint)`,
  );
  await ddl(`CREATE TABLE wp_wc_order_addresses (id bigint PRIMARY KEY, order_id bigint, address_type varchar(20),
    first_name text, last_name text, address_1 text, city text, postcode text, country text, email varchar(320), phone varchar(100))`);
  const batch = async (sql: string, rows: unknown[][]) => {
    for (let i = 0; i < rows.length; i += 1000) await exec(sql, rows.slice(i, i + 1000));
  };
  const base = hasUsers ? 1000 : 0;
  const users: unknown[][] = [];
  const meta: unknown[][] = [];
  const orders: unknown[][] = [];
  const addresses: unknown[][] = [];
  const postmeta: unknown[][] = [];
  let umeta = 1;
  for (let i = 1; i <= customers; i++) {
    const email = `customer.${i}@mail${i % 97}.example.org`;
    const phone = `+1 555 ${String(1000000 + i).slice(1)}`;
    const ip = `198.51.${i % 250}.${(i * 7) % 250}`;
    users.push([base + i, `user${base + i}`, '$P$BsomeHashedPassword.', email, '']);
    for (const [k, v] of [
      ['first_name', `Firstname${i}`],
      ['last_name', `Lastname${i}`],
      ['nickname', `nick${i}`],
      ['billing_email', email],
      ['billing_phone', phone],
      ['billing_address_1', `${i} Main Street`],
      ['billing_city', 'Springfield'],
      ['wp_capabilities', 'a:1:{s:8:"customer";b:1;}'],
      [
        'session_tokens',
        `a:1:{s:8:"tok${String(i).padStart(5, '0')}";a:2:{s:2:"ip";s:${ip.length}:"${ip}";s:10:"expiration";i:1900000000;}}`,
      ],
    ])
      meta.push([umeta++, base + i, k, v]);
    const order = 10_000_000 + i;
    orders.push([order, 'wc-completed', email, ip, base + i]);
    addresses.push([
      i,
      order,
      'billing',
      `Firstname${i}`,
      `Lastname${i}`,
      `${i} Main Street`,
      'Springfield',
      '12345',
      'US',
      email,
      phone,
    ]);
    for (const [k, v] of [
      ['_billing_email', email],
      ['_billing_first_name', `Firstname${i}`],
      ['_billing_last_name', `Lastname${i}`],
      ['_billing_phone', phone],
      ['_customer_ip_address', ip],
      ['_order_total', '42.00'],
    ])
      postmeta.push([order, k, v]);
  }
  await batch('INSERT INTO wp_users (ID, user_login, user_pass, user_email, user_url) VALUES', users);
  await batch('INSERT INTO wp_usermeta (umeta_id, user_id, meta_key, meta_value) VALUES', meta);
  await batch('INSERT INTO wp_wc_orders (id, status, billing_email, ip_address, customer_id) VALUES', orders);
  await batch(
    'INSERT INTO wp_wc_order_addresses (id, order_id, address_type, first_name, last_name, address_1, city, postcode, country, email, phone) VALUES',
    addresses,
  );
  await batch('INSERT INTO wp_postmeta (post_id, meta_key, meta_value) VALUES', postmeta);
}

interface Setup {
  source: string;
  target: () => Promise<string>;
  drop: () => Promise<void>;
}

async function pgSetup(): Promise<Setup> {
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: `${PG}/postgres` });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  const names = ['bench_mask_src', 'bench_mask_dst'];
  for (const n of names) await admin(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  await admin('CREATE DATABASE bench_mask_src');
  const source = `${PG}/bench_mask_src`;
  await generateWordpressPg(source, sizeMb);
  const c = new pg.Client({ connectionString: source });
  await c.connect();
  try {
    await personalData(
      async (sql, rows) => {
        const params: unknown[] = [];
        const values = rows.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
        await c.query(`${sql} ${values.join(',')}`, params);
      },
      async (sql) => void (await c.query(sql)),
      false,
    );
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
  return {
    source,
    target: async () => {
      await admin('DROP DATABASE IF EXISTS bench_mask_dst WITH (FORCE)');
      await admin('CREATE DATABASE bench_mask_dst');
      return `${PG}/bench_mask_dst`;
    },
    drop: async () => {
      for (const n of names) await admin(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
    },
  };
}

async function mysqlSetup(): Promise<Setup> {
  const a = await mysql.createConnection({ uri: MY, multipleStatements: true });
  await a.query(
    'DROP DATABASE IF EXISTS bench_mask_src; DROP DATABASE IF EXISTS bench_mask_dst; CREATE DATABASE bench_mask_src',
  );
  const c = await mysql.createConnection({ uri: `${MY}/bench_mask_src`, multipleStatements: true });
  await generateWordpress(c, sizeMb, () => {});
  await personalData(
    async (sql, rows) => void (await c.query(`${sql} ?`, [rows])),
    async (sql) => void (await c.query(sql)),
    true,
  );
  await c.end();
  return {
    source: `${MY}/bench_mask_src`,
    target: async () => {
      await a.query('DROP DATABASE IF EXISTS bench_mask_dst; CREATE DATABASE bench_mask_dst');
      return `${MY}/bench_mask_dst`;
    },
    drop: async () => {
      await a.query('DROP DATABASE IF EXISTS bench_mask_src; DROP DATABASE IF EXISTS bench_mask_dst');
      await a.end();
    },
  };
}

const MASK: CopyOptions['mask'] = {
  builtins: true,
  key: 'bench-key-0123456789',
  quiet: { searchEngines: true, webhooks: true, notificationEmails: true },
};
const REWRITE = [{ from: new URL(SITE).host, to: 'staging-42.up.railway.app' }];

async function run(engine: string, setup: Setup) {
  const variants: [string, Partial<CopyOptions>][] = [
    ['plain', {}],
    ['mask', { mask: MASK }],
    ['rewrite', { rewriteHosts: REWRITE }],
    ['rewrite+mask', { rewriteHosts: REWRITE, mask: MASK }],
  ];
  const times = new Map<string, number[]>(variants.map(([n]) => [n, []]));
  /** This process's CPU time per copy (the masking and rewriting happen here; the servers' work does not count). */
  const cpu = new Map<string, number[]>(variants.map(([n]) => [n, []]));
  let last: CopyReport | undefined;
  // Interleaved rounds, so a change in the machine's load hits every variant alike.
  for (let r = 0; r < repeat; r++) {
    for (const [name, extra] of variants) {
      const target = await setup.target();
      const t0 = process.cpuUsage();
      const report = await copyDatabase({ source: setup.source, target, jobs, ...extra });
      const t = process.cpuUsage(t0);
      times.get(name)!.push(report.durationMs);
      cpu.get(name)!.push((t.user + t.system) / 1000);
      if (name === 'mask') last = report;
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] as number;
  const plain = median(times.get('plain')!);
  const rewrite = median(times.get('rewrite')!);
  const plainCpu = median(cpu.get('plain')!);
  const rewriteCpu = median(cpu.get('rewrite')!);
  console.log(
    `\n${engine}: ${last?.totalRows} rows, ${((last?.totalBytes ?? 0) / 1e6).toFixed(1)} MB, ${last?.maskedValues} values masked; jobs ${jobs}, median of ${repeat}`,
  );
  for (const [name] of variants) {
    const m = median(times.get(name)!);
    const c = median(cpu.get(name)!);
    const vs = name === 'rewrite+mask' ? ` (${(m / rewrite).toFixed(2)}x rewrite)` : '';
    const cvs = name === 'rewrite+mask' ? ` (${(c / rewriteCpu).toFixed(2)}x rewrite)` : '';
    console.log(
      `  ${name.padEnd(14)} ${(m / 1000).toFixed(2).padStart(7)} s  ${(m / plain).toFixed(2)}x plain${vs}  runs ${times
        .get(name)!
        .map((t) => (t / 1000).toFixed(2))
        .join(' ')}  |  node CPU ${(c / 1000).toFixed(2)} s  ${(c / plainCpu).toFixed(2)}x plain${cvs}`,
    );
  }
}

console.log(
  `bench/mask.ts: ~${sizeMb} MB WordPress + ${customers} customers, node ${process.version}, load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const [engine, make] of [
  ['postgres', pgSetup],
  ['mariadb', mysqlSetup],
] as const) {
  if (engines !== 'both' && engine !== engines) continue;
  const setup = await make();
  try {
    await run(engine, setup);
  } finally {
    await setup.drop();
  }
}
console.log(
  `load average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
