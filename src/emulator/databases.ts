// The real databases behind the emulator's database services: one database plus one login user per
// (environment, service), on the local PostgreSQL or MariaDB server. The emulator hands the clone tool
// URLs to these, so copies run against real servers, with real credentials.
import { createHash } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { RailcloneError, ValidationError } from '../util/errors.js';
import { registerSecret } from '../util/secrets.js';
import { createLogger } from '../util/log.js';

export type DbEngine = 'postgres' | 'mysql' | 'mariadb';

export interface PhysicalDatabase {
  engine: DbEngine;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** postgresql://…, mysql://… or mariadb://… with URL-encoded credentials. */
  url: string;
}

export interface DatabaseKey {
  environmentId: string;
  serviceName: string;
}

export interface DatabaseHostOptions {
  /** Superuser URL of the PostgreSQL server (trust auth is fine). */
  postgresAdminUrl: string;
  /** Root URL of the MySQL/MariaDB server; serves both `mysql` and `mariadb` engines. */
  mysqlAdminUrl: string;
  /** Start of every database and user name; lowercase letters, digits, `_`; unique per host. */
  prefix: string;
}

const log = createLogger('emulator:databases');

/** The engine behind a container image, detected the way `railway connect` does (image name). */
export function engineForImage(image: string | null | undefined): DbEngine | null {
  if (typeof image !== 'string') return null;
  // Repository part only (tags such as `latest-pg16` or digests say nothing reliable). Substring
  // matching, as `railway connect` does: postgres-ssl, postgis/postgis, timescale/timescaledb, bitnami/mysql.
  const repo = image
    .trim()
    .toLowerCase()
    .split('@')[0]!
    .replace(/:[^/]*$/, '');
  if (/postgres|postgis|timescale/.test(repo)) return 'postgres';
  if (repo.includes('mariadb')) return 'mariadb';
  if (repo.includes('mysql')) return 'mysql';
  return null;
}

const PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,23}$/;
// PostgreSQL truncates identifiers at 63 bytes; MySQL database names stop at 64.
const MAX_DB_NAME = 63;
// MySQL 5.7+/8 user names stop at 32 characters (MariaDB allows 80); keep to the stricter one.
const MAX_MYSQL_USER = 32;
const HASH_LENGTH = 8;

function sanitise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Deterministic, valid names: readable prefix/env/service part plus a hash of the exact key. */
export function physicalNames(
  prefix: string,
  engine: DbEngine,
  key: DatabaseKey,
): { database: string; user: string } {
  const hash = createHash('sha256')
    .update(`${prefix}\u0000${key.environmentId}\u0000${key.serviceName}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const readable = [
    prefix.replace(/_+$/, ''),
    sanitise(key.environmentId).slice(0, 12),
    sanitise(key.serviceName),
  ]
    .filter((p) => p.length > 0)
    .join('_');
  const fit = (max: number) => `${readable.slice(0, max - HASH_LENGTH - 1).replace(/_+$/, '')}_${hash}`;
  const database = fit(MAX_DB_NAME);
  return { database, user: engine === 'postgres' ? database : fit(MAX_MYSQL_USER) };
}

function parseAdminUrl(field: string, value: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(
      field,
      `${field} is not a URL; expected e.g. ${protocols[0]}//user@127.0.0.1/`,
      {
        allowed: protocols,
      },
    );
  }
  if (!protocols.includes(url.protocol)) {
    throw new ValidationError(field, `${field} must use one of ${protocols.join(', ')}`, {
      provided: url.protocol,
      allowed: protocols,
    });
  }
  if (url.password) registerSecret(decodeURIComponent(url.password));
  return url;
}

function buildUrl(
  engine: DbEngine,
  host: string,
  port: number,
  database: string,
  user: string,
  password: string,
) {
  const scheme = engine === 'postgres' ? 'postgresql' : engine;
  const h = host.includes(':') ? `[${host}]` : host;
  const url = `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${h}:${port}/${encodeURIComponent(database)}`;
  registerSecret(url);
  return url;
}

function pgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function pgLiteral(value: string): string {
  // standard_conforming_strings is on (default since 9.1), so only quotes need doubling;
  // the E'' form keeps this correct even if a backslash is present and the setting is off.
  const hasBackslash = value.includes('\\');
  const body = value.replace(/'/g, "''").replace(/\\/g, hasBackslash ? '\\\\' : '\\');
  return hasBackslash ? `E'${body}'` : `'${body}'`;
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

export class DatabaseHost {
  private readonly pgAdmin: URL;
  private readonly myAdmin: URL;
  private readonly prefix: string;
  private readonly provisioned = new Map<string, PhysicalDatabase>();
  // One operation at a time per physical database, so concurrent calls for a key cannot race.
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(opts: DatabaseHostOptions) {
    if (!PREFIX_PATTERN.test(opts.prefix)) {
      throw new ValidationError(
        'prefix',
        'prefix must be 1-24 characters: a lowercase letter, then a-z, 0-9 or _',
        {
          provided: opts.prefix,
          pattern: PREFIX_PATTERN.source,
        },
      );
    }
    this.prefix = opts.prefix;
    this.pgAdmin = parseAdminUrl('postgresAdminUrl', opts.postgresAdminUrl, ['postgres:', 'postgresql:']);
    this.myAdmin = parseAdminUrl('mysqlAdminUrl', opts.mysqlAdminUrl, ['mysql:', 'mariadb:']);
  }

  list(): PhysicalDatabase[] {
    return [...this.provisioned.values()].map((db) => ({ ...db }));
  }

  /** Creates (or returns, with `password` set) the database and its owning login user for `key`. */
  async provision(engine: DbEngine, key: DatabaseKey, password: string): Promise<PhysicalDatabase> {
    if (!['postgres', 'mysql', 'mariadb'].includes(engine)) {
      throw new ValidationError('engine', `engine must be postgres, mysql or mariadb`, { provided: engine });
    }
    if (typeof password !== 'string' || password.length === 0) {
      throw new ValidationError('password', 'password must be a non-empty string');
    }
    registerSecret(password);
    const names = physicalNames(this.prefix, engine, key);
    const admin = engine === 'postgres' ? this.pgAdmin : this.myAdmin;
    const host = admin.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
    const port = Number(admin.port) || (engine === 'postgres' ? 5432 : 3306);
    const db: PhysicalDatabase = {
      engine,
      host,
      port,
      database: names.database,
      user: names.user,
      password,
      url: buildUrl(engine, host, port, names.database, names.user, password),
    };
    return this.serial(`${engine}:${db.database}`, async () => {
      if (engine === 'postgres') await this.provisionPostgres(db);
      else await this.provisionMysql(db);
      this.provisioned.set(`${engine}:${db.database}`, db);
      log.debug(
        `provisioned ${engine} database ${db.database} for ${key.serviceName} in ${key.environmentId}`,
      );
      return { ...db };
    });
  }

  async setPassword(db: PhysicalDatabase, password: string): Promise<void> {
    if (typeof password !== 'string' || password.length === 0) {
      throw new ValidationError('password', 'password must be a non-empty string');
    }
    registerSecret(password);
    await this.serial(`${db.engine}:${db.database}`, async () => {
      if (db.engine === 'postgres') {
        await this.withPg('postgres', (c) =>
          c.query(`ALTER ROLE ${pgIdent(db.user)} WITH PASSWORD ${pgLiteral(password)}`),
        );
      } else {
        await this.withMysql(async (c) => {
          for (const host of ['%', 'localhost']) {
            await c.query('ALTER USER ?@? IDENTIFIED BY ?', [db.user, host, password]);
          }
        });
      }
      const known = this.provisioned.get(`${db.engine}:${db.database}`);
      if (known) {
        known.password = password;
        known.url = buildUrl(known.engine, known.host, known.port, known.database, known.user, password);
      }
    });
  }

  /** Ends open sessions, then drops the database and its user. Dropping what is gone is fine. */
  async drop(db: PhysicalDatabase): Promise<void> {
    await this.serial(`${db.engine}:${db.database}`, async () => {
      if (db.engine === 'postgres') await this.dropPostgres(db);
      else await this.dropMysql(db);
      this.provisioned.delete(`${db.engine}:${db.database}`);
    });
  }

  async dropAll(): Promise<void> {
    const failures: unknown[] = [];
    for (const db of this.list()) {
      try {
        await this.drop(db);
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) {
      throw new RailcloneError(
        'DatabaseDropFailed',
        `could not drop ${failures.length} emulator database(s)`,
        {
          reasons: failures.map((e) => (e instanceof Error ? e.message : String(e))),
        },
      );
    }
  }

  private serial<T>(id: string, job: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(job, job);
    const settled = next.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }

  private async withPg<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const url = new URL(this.pgAdmin.href);
    url.pathname = `/${encodeURIComponent(database)}`;
    const client = new pg.Client({ connectionString: url.href, application_name: 'railclone-emulator' });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async withMysql<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
    const a = this.myAdmin;
    const conn = await mysql.createConnection({
      host: a.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: Number(a.port) || 3306,
      user: decodeURIComponent(a.username) || 'root',
      password: a.password ? decodeURIComponent(a.password) : undefined,
    });
    conn.on('error', () => {});
    try {
      return await fn(conn);
    } finally {
      await conn.end().catch(() => undefined);
    }
  }

  private async provisionPostgres(db: PhysicalDatabase): Promise<void> {
    const role = pgIdent(db.user);
    await this.withPg('postgres', async (c) => {
      const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [db.user]);
      if (exists.rowCount === 0) {
        try {
          await c.query(`CREATE ROLE ${role} WITH LOGIN PASSWORD ${pgLiteral(db.password)}`);
        } catch (err) {
          if (errorCode(err) !== '42710') throw err; // duplicate_object: another process won the race
        }
      }
      // Re-provisioning sets the password the caller now expects.
      await c.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${pgLiteral(db.password)}`);
      const dbExists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.database]);
      if (dbExists.rowCount === 0) {
        try {
          // template0: nobody connects to it, so parallel CREATE DATABASE calls never collide on the template.
          await c.query(
            `CREATE DATABASE ${pgIdent(db.database)} OWNER ${role} TEMPLATE template0 ENCODING 'UTF8'`,
          );
        } catch (err) {
          if (errorCode(err) !== '42P04') throw err; // duplicate_database
        }
      }
    });
    await this.withPg(db.database, async (c) => {
      await c.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
    });
  }

  private async dropPostgres(db: PhysicalDatabase): Promise<void> {
    await this.withPg('postgres', async (c) => {
      // Refuse new sessions first, so nothing reconnects between terminate and drop.
      const present = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.database]);
      if ((present.rowCount ?? 0) > 0) {
        await c.query(`ALTER DATABASE ${pgIdent(db.database)} WITH ALLOW_CONNECTIONS false`);
      }
      await c.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db.database],
      );
      await c.query(`DROP DATABASE IF EXISTS ${pgIdent(db.database)}`);
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [db.user]);
      await c.query(`DROP ROLE IF EXISTS ${pgIdent(db.user)}`);
    });
  }

  private async provisionMysql(db: PhysicalDatabase): Promise<void> {
    await this.withMysql(async (c) => {
      await c.query(
        `CREATE DATABASE IF NOT EXISTS ${mysql.escapeId(db.database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci`,
      );
      // '%' for TCP clients, 'localhost' so an anonymous ''@'localhost' can never shadow the user.
      for (const host of ['%', 'localhost']) {
        await c.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [db.user, host, db.password]);
        await c.query('ALTER USER ?@? IDENTIFIED BY ?', [db.user, host, db.password]);
        // LOAD DATA LOCAL INFILE needs only INSERT (granted by ALL) plus the server's local_infile=ON;
        // the FILE privilege is for server-side files and is deliberately not granted.
        await c.query(`GRANT ALL PRIVILEGES ON ${mysql.escapeId(db.database)}.* TO ?@?`, [db.user, host]);
      }
    });
  }

  private async dropMysql(db: PhysicalDatabase): Promise<void> {
    await this.withMysql(async (c) => {
      const [rows] = await c.query<mysql.RowDataPacket[]>(
        'SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? OR DB = ?',
        [db.user, db.database],
      );
      for (const row of rows) {
        await c.query('KILL CONNECTION ?', [Number(row.ID)]).catch((err: unknown) => {
          if (errorCode(err) !== 'ER_NO_SUCH_THREAD') throw err; // it ended on its own meanwhile
        });
      }
      await c.query(`DROP DATABASE IF EXISTS ${mysql.escapeId(db.database)}`);
      for (const host of ['%', 'localhost']) {
        await c.query('DROP USER IF EXISTS ?@?', [db.user, host]);
      }
    });
  }
}
