// Safety before speed: a copy never writes into its own source.
import { RailcloneError } from '../../util/errors.js';
import { parseDatabaseUrl as parseUrl } from './database-url.js';

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

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '']);

/** Where a postgres:// / postgresql:// / mysql:// / mariadb:// URL points. `field` names the flag in errors. */
export function parseDatabaseUrl(url: string, field = 'url'): DatabaseEndpoint {
  const u = parseUrl(url, field);
  const host = u.host.toLowerCase();
  return {
    engine: u.engine,
    host: LOOPBACK.has(host) ? 'localhost' : host,
    port: u.port,
    database: u.database,
    user: u.user,
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
