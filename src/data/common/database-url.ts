// The one parser of database URLs (postgres://, postgresql://, mysql://, mariadb://; scheme matched
// case-insensitively), as node-postgres keeps its connection-string parsing in one module. Every
// caller — the copy engines, the same-target check, search-replace, the clone's database access —
// reads host, port, credentials and database from here. The password is a secret from the start.
import { ValidationError } from '../../util/errors.js';
import { maskUrlPasswords, registerSecret } from '../../util/secrets.js';

export type UrlEngine = 'postgres' | 'mysql';

export interface DatabaseUrl {
  /** The engine that serves it: MariaDB URLs are served by the MySQL engine. */
  engine: UrlEngine;
  scheme: 'postgres' | 'postgresql' | 'mysql' | 'mariadb';
  /** Without IPv6 brackets; as written otherwise (may be empty). */
  host: string;
  /** The URL's port, else the engine's default. */
  port: number;
  user: string;
  password: string;
  database: string;
  params: URLSearchParams;
}

const ENGINES: Record<string, UrlEngine> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
};
const ALLOWED = ['postgresql://', 'postgres://', 'mysql://', 'mariadb://'];
export const DEFAULT_PORTS: Record<UrlEngine, number> = { postgres: 5432, mysql: 3306 };

/** Parses and checks `url`; `field` names the flag or variable in errors; `engine` narrows the schemes. */
export function parseDatabaseUrl(url: string, field = 'url', opts: { engine?: UrlEngine } = {}): DatabaseUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(field, `${field} is not a valid database URL`, {
      provided: maskUrlPasswords(String(url)),
    });
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const engine = ENGINES[scheme];
  const allowed =
    opts.engine === 'mysql' ? ALLOWED.slice(2) : opts.engine === 'postgres' ? ALLOWED.slice(0, 2) : ALLOWED;
  if (!engine || (opts.engine && engine !== opts.engine)) {
    throw new ValidationError(
      field,
      `${field} must start with ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}`,
      {
        provided: `${scheme}://`,
        allowed,
      },
    );
  }
  const password = decodeURIComponent(u.password);
  registerSecret(password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) {
    throw new ValidationError(field, `${field} must name a database (…/dbname)`, {
      provided: maskUrlPasswords(url),
    });
  }
  return {
    engine,
    scheme: scheme as DatabaseUrl['scheme'],
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : DEFAULT_PORTS[engine],
    user: decodeURIComponent(u.username),
    password,
    database,
    params: u.searchParams,
  };
}

/** The engine a URL's scheme names, checking only the scheme. */
export function engineOfUrl(url: string, field = 'url'): UrlEngine {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? '';
  const engine = ENGINES[scheme];
  if (!engine) {
    throw new ValidationError(
      field,
      `database URL must start with ${ALLOWED.slice(0, 3).join(', ')} or ${ALLOWED[3]}`,
      {
        allowed: ALLOWED,
      },
    );
  }
  return engine;
}
