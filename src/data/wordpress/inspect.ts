// What a database says about the WordPress in it (read only): its table prefix, and whether it is
// a multisite network and which kind. A subdirectory network (every site on the network's host,
// told apart by path) clones with host rewriting alone; a subdomain network (or sites mapped to
// their own domains) needs a host per site — a wildcard custom domain — which a clone cannot give.
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseDatabaseUrl } from '../common/same-target.js';

export interface WordPressInfo {
  /** Table prefix, e.g. `wp_`. */
  prefix: string;
  multisite?: {
    kind: 'subdirectory' | 'subdomain';
    /** The network's host (`wp_site.domain`). */
    network: string;
    sites: number;
    /** Hosts of sites that are not the network's host (subdomains or mapped domains). */
    otherHosts: string[];
  };
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Runs `fn` with a read-only query function on the database at `url`. */
async function withQuery<T>(url: string, fn: (q: Query) => Promise<T>): Promise<T> {
  if (parseDatabaseUrl(url, 'url').engine === 'postgres') {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await fn(async (sql) => (await c.query(sql)).rows as Record<string, unknown>[]);
    } finally {
      await c.end();
    }
  }
  const c = await mysql.createConnection({ uri: url.replace(/^mariadb:/i, 'mysql:') });
  try {
    return await fn(async (sql) => (await c.query(sql))[0] as Record<string, unknown>[]);
  } finally {
    await c.end();
  }
}

const TABLES_SQL = {
  postgres: `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
  mysql: `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`,
};

/** The WordPress prefix from table names: the one with both `<p>options` and `<p>posts`. */
export function wordpressPrefix(tables: readonly string[]): string | undefined {
  const set = new Set(tables);
  const prefixes = tables
    .filter((t) => t.endsWith('options'))
    .map((t) => t.slice(0, -'options'.length))
    .filter((p) => set.has(`${p}posts`) && set.has(`${p}users`) && !/_\d+_$/.test(p));
  return prefixes.sort((a, b) => a.length - b.length)[0];
}

const ident = (name: string) => (/^[A-Za-z0-9_]+$/.test(name) ? name : undefined);

/** Undefined when the database holds no WordPress. */
export async function inspectWordPress(url: string): Promise<WordPressInfo | undefined> {
  const engine = parseDatabaseUrl(url, 'url').engine;
  return withQuery(url, async (q) => {
    const tables = (await q(TABLES_SQL[engine])).map((r) => String(r.name ?? r.NAME));
    const prefix = wordpressPrefix(tables);
    if (prefix === undefined) return undefined;
    const p = ident(prefix);
    if (p === undefined || !tables.includes(`${p}blogs`) || !tables.includes(`${p}site`)) return { prefix };
    const site = (await q(`SELECT domain FROM ${p}site ORDER BY id LIMIT 1`))[0];
    const blogs = await q(`SELECT domain FROM ${p}blogs`);
    const network = String(site?.domain ?? '').toLowerCase();
    const otherHosts = [
      ...new Set(blogs.map((b) => String(b.domain).toLowerCase()).filter((d) => d !== network)),
    ].sort();
    return {
      prefix,
      multisite: {
        kind: otherHosts.length > 0 ? 'subdomain' : 'subdirectory',
        network,
        sites: blogs.length,
        otherHosts,
      },
    };
  });
}
