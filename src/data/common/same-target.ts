// Safety before speed: a copy never writes into its own source.
import { RailcloneError, ValidationError } from '../../util/errors.js';
import { maskUrlPasswords } from '../../util/secrets.js';

export interface DatabaseEndpoint {
  engine: 'postgres' | 'mysql';
  host: string;
  port: number;
  database: string;
  user: string;
}

/** What the server says about itself: a cluster id (system_identifier, @@server_uuid) and the database. */
export interface ServerIdentity {
  server: string;
  database: string;
}

const DEFAULT_PORT = { postgres: 5432, mysql: 3306 } as const;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '']);

/** Parses a postgres:// / postgresql:// / mysql:// / mariadb:// URL. `field` names the flag in errors. */
export function parseDatabaseUrl(url: string, field = 'url'): DatabaseEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(field, `${field} is not a valid database URL`, {
      provided: maskUrlPasswords(String(url)),
    });
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const engine =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgres'
      : scheme === 'mysql' || scheme === 'mariadb'
        ? 'mysql'
        : null;
  if (!engine) {
    throw new ValidationError(
      field,
      `${field} must start with postgresql://, postgres://, mysql:// or mariadb://`,
      {
        provided: `${scheme}://`,
        allowed: ['postgresql://', 'postgres://', 'mysql://', 'mariadb://'],
      },
    );
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) {
    throw new ValidationError(field, `${field} must name a database (…/dbname)`, {
      provided: maskUrlPasswords(url),
    });
  }
  const host = u.hostname.toLowerCase();
  return {
    engine,
    host: LOOPBACK.has(host) ? 'localhost' : host,
    port: u.port ? Number(u.port) : DEFAULT_PORT[engine],
    database,
    user: decodeURIComponent(u.username),
  };
}

/** The URL with its password masked, for messages and reports. */
export function describeEndpoint(e: DatabaseEndpoint): string {
  return `${e.host}:${e.port}/${e.database}`;
}

/**
 * Refuses a copy whose target is its source: same host+port+database in the URLs, or — when both
 * servers could be asked — the same server identity and database name (another hostname of the same server).
 */
export function assertDifferentDatabases(
  source: DatabaseEndpoint,
  target: DatabaseEndpoint,
  identities?: { source: ServerIdentity; target: ServerIdentity },
): void {
  const sameUrl =
    source.host === target.host && source.port === target.port && source.database === target.database;
  const sameServer =
    identities !== undefined &&
    identities.source.server === identities.target.server &&
    identities.source.database === identities.target.database;
  if (sameUrl || sameServer) {
    throw new RailcloneError(
      'SameDatabase',
      `refusing to copy: the target is the source database (${describeEndpoint(target)}${sameUrl ? '' : ', same server identity'})`,
      { source: describeEndpoint(source), target: describeEndpoint(target) },
    );
  }
}
