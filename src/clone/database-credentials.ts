// A database's credentials from its service's rendered variables, put together with the endpoint of
// its TCP proxy. Template databases made since 2026-08 are private: no `*_PUBLIC_URL`, no proxy
// variables, only `DATABASE_URL` / `MYSQL_URL` / `MARIADB_PRIVATE_URL` on `*.railway.internal` and
// the PG* / MYSQL* / MARIADB_* parts. Their user, password and database are what we need; the host
// and port come from the proxy (FACTS §3.10, §5; railwayapp/docs@e8cd2c1b).
import { parseDatabaseUrl, type DatabaseUrl } from '../data/common/database-url.js';
import type { VariableMap } from '../railway/types.js';
import { RailcloneError } from '../util/errors.js';
import { registerSecret } from '../util/secrets.js';
import type { DbEngine } from './services.js';

/** URL variables that carry the credentials, best first (public, then private, then legacy names). */
const URL_VARIABLES: Record<DbEngine, string[]> = {
  postgres: ['DATABASE_PUBLIC_URL', 'DATABASE_URL', 'DATABASE_PRIVATE_URL'],
  mysql: ['MYSQL_PUBLIC_URL', 'MYSQL_URL', 'MYSQL_PRIVATE_URL'],
  mariadb: ['MARIADB_PUBLIC_URL', 'MARIADB_URL', 'MARIADB_PRIVATE_URL'],
};

/** The same, as separate variables: [user, password, database]; a literal user is a default. */
const PART_VARIABLES: Record<DbEngine, [string[], string[], string[]][]> = {
  postgres: [
    [['PGUSER'], ['PGPASSWORD'], ['PGDATABASE']],
    [['POSTGRES_USER', '=postgres'], ['POSTGRES_PASSWORD'], ['POSTGRES_DB', '=postgres']],
  ],
  mysql: [
    [['MYSQLUSER'], ['MYSQLPASSWORD'], ['MYSQLDATABASE']],
    [['=root'], ['MYSQL_ROOT_PASSWORD'], ['MYSQL_DATABASE']],
  ],
  mariadb: [
    [['MARIADB_USER'], ['MARIADB_PASSWORD'], ['MARIADB_DATABASE']],
    [['=root'], ['MARIADB_ROOT_PASSWORD'], ['MARIADB_DATABASE']],
  ],
};

interface Credentials {
  user: string;
  password: string;
  database: string;
  /** Query string of the URL they came from (e.g. `?sslmode=require`), kept. */
  search: string;
}

function fromUrl(engine: DbEngine, value: string | undefined): Credentials | null {
  if (!value || value.includes('${{')) return null;
  let u: DatabaseUrl;
  try {
    u = parseDatabaseUrl(value, 'url', { engine: engine === 'postgres' ? 'postgres' : 'mysql' });
  } catch {
    return null;
  }
  if (!u.user || !u.password) return null;
  const search = u.params.toString();
  return { user: u.user, password: u.password, database: u.database, search: search ? `?${search}` : '' };
}

function fromParts(engine: DbEngine, vars: VariableMap): Credentials | null {
  const pick = (names: string[]) => {
    for (const n of names) {
      if (n.startsWith('=')) return n.slice(1);
      const v = vars[n];
      if (v && !v.includes('${{')) return v;
    }
    return undefined;
  };
  for (const [u, p, d] of PART_VARIABLES[engine]) {
    const user = pick(u);
    const password = pick(p);
    const database = pick(d);
    if (user && password && database) return { user, password, database, search: '' };
  }
  return null;
}

/** A URL that reaches the database through `endpoint` (a TCP proxy) with the service's own credentials. */
export function databaseUrlVia(
  engine: DbEngine,
  rendered: VariableMap,
  endpoint: { host: string; port: number },
  serviceName: string,
): string {
  const creds =
    URL_VARIABLES[engine].map((n) => fromUrl(engine, rendered[n])).find((c) => c !== null) ??
    fromParts(engine, rendered);
  if (!creds) {
    throw new RailcloneError(
      'NoDatabaseAccess',
      `${serviceName}: no database credentials in its variables (looked for ${[
        ...URL_VARIABLES[engine],
        ...PART_VARIABLES[engine].flat(2).filter((n) => !n.startsWith('=')),
      ].join(', ')})`,
    );
  }
  const scheme = engine === 'postgres' ? 'postgresql' : engine;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const password = encodeURIComponent(creds.password);
  registerSecret(creds.password);
  registerSecret(password);
  const url =
    `${scheme}://${encodeURIComponent(creds.user)}:${password}` +
    `@${host}:${endpoint.port}/${encodeURIComponent(creds.database)}${creds.search}`;
  registerSecret(url);
  return url;
}
