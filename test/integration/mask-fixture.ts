// A WordPress + WooCommerce shaped database full of generated personal data, the same on both
// engines, and the checks the masking tests make on a copy of it (asked of the target, nothing
// hard-coded): no original e-mail, name, phone or IP left in any text column, e-mail columns
// unique, serialized values still unserializing (PHP), one e-mail masked alike everywhere.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface Person {
  first: string;
  last: string;
  email: string;
  phone: string;
  ip: string;
  street: string;
}

// Consonant clusters: the masker's made-up words alternate consonant and vowel, so they can never
// contain one of these by chance.
const FIRST = [
  'Christa',
  'Bernd',
  'Frank',
  'Gwyneth',
  'Sandra',
  'Bjorn',
  'Ingrid',
  'Dwight',
  'Krystof',
  'Albrecht',
];
const LAST = [
  'Schmidt',
  'Wright',
  'Knox',
  'Blythe',
  'Strand',
  'Lindqvist',
  'Marsh',
  'Pratchett',
  'Crumb',
  'Fenwick',
];

export function people(n: number): Person[] {
  const tag = randomBytes(3).toString('hex');
  return Array.from({ length: n }, (_, i) => {
    const first = `${FIRST[i % FIRST.length]}${i >= FIRST.length ? 'x'.repeat(Math.floor(i / FIRST.length) % 3) : ''}`;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
    return {
      first,
      last,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@mail-${tag}.test`,
      phone: `+44 20 7946 ${String(1000 + i).padStart(4, '0')}`,
      ip:
        i % 3 === 0
          ? `2001:db8:${tag.slice(0, 4)}::${(i + 1).toString(16)}`
          : `203.0.${Math.floor(i / 250) + 113}.${(i % 250) + 1}`,
      street: `${17 + i} ${LAST[(i + 3) % LAST.length]} Strasse`,
    };
  });
}

/** PHP serialize() of the shapes WordPress stores (lengths in UTF-8 bytes). */
type Php = string | number | Php[] | { [k: string]: Php };
export function ser(v: Php): string {
  if (typeof v === 'number') return `i:${v};`;
  if (typeof v === 'string') return `s:${Buffer.byteLength(v, 'utf8')}:"${v}";`;
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return `a:${entries.length}:{${entries.map(([k, x]) => (typeof k === 'number' ? `i:${k};` : ser(k)) + ser(x)).join('')}}`;
}

export interface Table {
  name: string;
  ddl: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export const ADMIN_EMAIL = `owner-${randomBytes(3).toString('hex')}@shop-owner.test`;
export const PASSWORD_HASH = '$P$BxyzHASHEDpasswordNotToBeTouched.';

export function wordpressTables(ps: Person[], text: 'TEXT' | 'LONGTEXT'): Table[] {
  const users: Table = {
    name: 'wp_users',
    ddl: `ID BIGINT PRIMARY KEY, user_login VARCHAR(60), user_pass VARCHAR(255), user_email VARCHAR(100), display_name VARCHAR(250), user_url VARCHAR(100)`,
    columns: ['ID', 'user_login', 'user_pass', 'user_email', 'display_name', 'user_url'],
    rows: ps.map((p, i) => [i + 1, `customer${i + 1}`, PASSWORD_HASH, p.email, `${p.first} ${p.last}`, '']),
  };
  const usermeta: Table = {
    name: 'wp_usermeta',
    ddl: `umeta_id BIGINT PRIMARY KEY, user_id BIGINT, meta_key VARCHAR(255), meta_value ${text}`,
    columns: ['umeta_id', 'user_id', 'meta_key', 'meta_value'],
    rows: [],
  };
  let id = 1;
  ps.forEach((p, i) => {
    const meta: [string, string][] = [
      ['first_name', p.first],
      ['last_name', p.last],
      ['nickname', p.first],
      ['billing_first_name', p.first],
      ['billing_last_name', p.last],
      ['billing_email', p.email],
      ['billing_phone', p.phone],
      ['billing_address_1', p.street],
      ['shipping_first_name', p.first],
      ['shipping_address_1', p.street],
      ['wp_capabilities', ser({ customer: 1 })],
      [
        'session_tokens',
        ser({
          [randomBytes(8).toString('hex')]: {
            expiration: 1900000000,
            ip: p.ip,
            ua: 'Mozilla/5.0',
            login: 1700000000,
          },
        }),
      ],
    ];
    for (const [k, v] of meta) usermeta.rows.push([id++, i + 1, k, v]);
  });
  const comments: Table = {
    name: 'wp_comments',
    ddl: `comment_ID BIGINT PRIMARY KEY, comment_post_ID BIGINT, comment_author VARCHAR(255), comment_author_email VARCHAR(100), comment_author_IP VARCHAR(100), comment_content ${text}`,
    columns: [
      'comment_ID',
      'comment_post_ID',
      'comment_author',
      'comment_author_email',
      'comment_author_IP',
      'comment_content',
    ],
    rows: ps.map((p, i) => [
      i + 1,
      1,
      `${p.first} ${p.last}`,
      p.email,
      p.ip,
      'Great product, would buy again.',
    ]),
  };
  const posts: Table = {
    name: 'wp_posts',
    ddl: `ID BIGINT PRIMARY KEY, post_title VARCHAR(255), post_content ${text}, post_type VARCHAR(20)`,
    columns: ['ID', 'post_title', 'post_content', 'post_type'],
    rows: [[1, 'Hello world', '<p>Welcome to https://shop.example.com/ shop</p>', 'post']],
  };
  const postmeta: Table = {
    name: 'wp_postmeta',
    ddl: `meta_id BIGINT PRIMARY KEY, post_id BIGINT, meta_key VARCHAR(255), meta_value ${text}`,
    columns: ['meta_id', 'post_id', 'meta_key', 'meta_value'],
    rows: [],
  };
  const orders: Table = {
    name: 'wp_wc_orders',
    ddl: `id BIGINT PRIMARY KEY, status VARCHAR(20), billing_email VARCHAR(320), ip_address VARCHAR(100), customer_id BIGINT`,
    columns: ['id', 'status', 'billing_email', 'ip_address', 'customer_id'],
    rows: [],
  };
  const addresses: Table = {
    name: 'wp_wc_order_addresses',
    ddl: `id BIGINT PRIMARY KEY, order_id BIGINT, address_type VARCHAR(20), first_name ${text}, last_name ${text}, company ${text}, address_1 ${text}, city ${text}, postcode ${text}, country ${text}, email VARCHAR(320), phone VARCHAR(100)`,
    columns: [
      'id',
      'order_id',
      'address_type',
      'first_name',
      'last_name',
      'company',
      'address_1',
      'city',
      'postcode',
      'country',
      'email',
      'phone',
    ],
    rows: [],
  };
  let mid = 1;
  ps.forEach((p, i) => {
    const order = 1000 + i;
    posts.rows.push([order, `Order #${order}`, '', 'shop_order']);
    const meta: [string, string][] = [
      ['_billing_first_name', p.first],
      ['_billing_last_name', p.last],
      ['_billing_email', p.email],
      ['_billing_phone', p.phone],
      ['_billing_address_1', p.street],
      ['_billing_address_index', `${p.first} ${p.last}  ${p.street} Hamburg 20095 DE ${p.email} ${p.phone}`],
      ['_customer_ip_address', p.ip],
      ['_order_total', '19.99'],
      ['_wc_extra', JSON.stringify({ contact: { email: p.email, phone: p.phone }, note: 'gift' })],
    ];
    for (const [k, v] of meta) postmeta.rows.push([mid++, order, k, v]);
    orders.rows.push([order, 'wc-completed', p.email, p.ip, i + 1]);
    addresses.rows.push([
      i + 1,
      order,
      'billing',
      p.first,
      p.last,
      `${p.last} GmbH`,
      p.street,
      'Hamburg',
      '20095',
      'DE',
      p.email,
      p.phone,
    ]);
  });
  const options: Table = {
    name: 'wp_options',
    ddl: `option_id BIGINT PRIMARY KEY, option_name VARCHAR(191) UNIQUE, option_value ${text}`,
    columns: ['option_id', 'option_name', 'option_value'],
    rows: [
      [1, 'siteurl', 'https://shop.example.com'],
      [2, 'blog_public', '1'],
      [3, 'admin_email', ADMIN_EMAIL],
      [4, 'woocommerce_email_from_address', ADMIN_EMAIL],
      [5, 'woocommerce_new_order_settings', ser({ enabled: 'yes', recipient: ADMIN_EMAIL, subject: '' })],
      [6, 'blogname', 'My shop'],
    ],
  };
  const webhooks: Table = {
    name: 'wp_wc_webhooks',
    ddl: `webhook_id BIGINT PRIMARY KEY, status VARCHAR(200), name ${text}, delivery_url ${text}`,
    columns: ['webhook_id', 'status', 'name', 'delivery_url'],
    rows: [
      [1, 'active', 'ERP sync', 'https://erp.example.net/hook'],
      [2, 'disabled', 'Old', 'https://old.example.net/hook'],
    ],
  };
  // Not WordPress: a CRM table found by column names alone, e-mail unique.
  const crm: Table = {
    name: 'crm_contacts',
    ddl: `id BIGINT PRIMARY KEY, email VARCHAR(191) UNIQUE, mobile VARCHAR(40), full_name VARCHAR(200), last_login_ip VARCHAR(64), notes ${text}`,
    columns: ['id', 'email', 'mobile', 'full_name', 'last_login_ip', 'notes'],
    rows: ps.map((p, i) => [i + 1, p.email, p.phone, `${p.first} ${p.last}`, p.ip, 'vip']),
  };
  return [users, usermeta, comments, posts, postmeta, orders, addresses, options, webhooks, crm];
}

/** Every string an original must not leave behind: e-mails, full names, name words, phones, IPs, streets. */
export function secretsOf(ps: Person[]): string[] {
  const out = new Set<string>([ADMIN_EMAIL]);
  for (const p of ps) {
    out.add(p.email);
    out.add(p.first);
    out.add(p.last);
    out.add(p.phone);
    out.add(p.ip);
    out.add(p.street);
  }
  return [...out];
}

/** Which of `values` PHP's unserialize() refuses (php-cli). */
export function phpRejects(values: string[]): string[] {
  const script =
    '$v = json_decode(stream_get_contents(STDIN), true); $bad = []; foreach ($v as $i => $s) { if (@unserialize($s) === false && $s !== serialize(false)) $bad[] = $i; } echo json_encode($bad);';
  const out = execFileSync('php', ['-r', script], { input: JSON.stringify(values) }).toString();
  return (JSON.parse(out) as number[]).map((i) => values[i] as string);
}
