// The emulator's real databases: provisioned on the local PostgreSQL and MariaDB servers, reachable with
// the returned URL as the returned user, password changes, drops that really remove everything.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import {
  DatabaseHost,
  engineForImage,
  physicalNames,
  type PhysicalDatabase,
} from '../../src/emulator/databases.js';
import { redact } from '../../src/util/secrets.js';
import { scramAccepts } from './emulator-helpers.js';

const PG_ADMIN = 'postgresql://postgres@127.0.0.1:5432/postgres';
const MY_ADMIN = 'mysql://root@127.0.0.1:3306/';
const prefix = `emudb_${randomBytes(3).toString('hex')}_`;
const host = new DatabaseHost({ postgresAdminUrl: PG_ADMIN, mysqlAdminUrl: MY_ADMIN, prefix });
const env = (n: number) => `env-${n}-${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await host.dropAll();
});

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function myAdmin<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('engineForImage', () => {
  it.each([
    ['postgres', 'postgres'],
    ['postgres:16', 'postgres'],
    ['ghcr.io/railwayapp-templates/postgres-ssl:18', 'postgres'],
    ['postgis/postgis:16-3.4', 'postgres'],
    ['timescale/timescaledb:latest-pg16', 'postgres'],
    ['bitnami/postgresql:15', 'postgres'],
    ['mysql', 'mysql'],
    ['mysql:9.4', 'mysql'],
    ['mariadb', 'mariadb'],
    ['mariadb:11', 'mariadb'],
    ['MariaDB:10.11@sha256:abc', 'mariadb'],
    ['redis', null],
    ['redis:7', null],
    ['wordpress', null],
    ['wordpress:6-php8.3-apache', null],
    ['node:20', null],
    ['mongo', null],
    ['', null],
    [null, null],
    [undefined, null],
  ] as const)('%s → %s', (image, engine) => {
    expect(engineForImage(image)).toBe(engine);
  });
});

describe('names', () => {
  it('are deterministic, valid, at most 63 characters, user at most 32 on MySQL', () => {
    const key = {
      environmentId: 'a1b2c3d4-e5f6-7890-abcd-ef0123456789',
      serviceName: 'My Very Long Service Name ✨ with spaces and more and more',
    };
    const a = physicalNames('rc_', 'mariadb', key);
    expect(physicalNames('rc_', 'mariadb', key)).toEqual(a);
    expect(a.database).toMatch(/^[a-z0-9_]+$/);
    expect(a.database.length).toBeLessThanOrEqual(63);
    expect(a.user.length).toBeLessThanOrEqual(32);
    expect(a.database.startsWith('rc_a1b2c3d4_e5')).toBe(true);
    const p = physicalNames('rc_', 'postgres', key);
    expect(p.user).toBe(p.database);
    // Keys that sanitise alike still get different names thanks to the hash.
    expect(physicalNames('rc_', 'postgres', { environmentId: 'e', serviceName: 'my-db' }).database).not.toBe(
      physicalNames('rc_', 'postgres', { environmentId: 'e', serviceName: 'my_db' }).database,
    );
  });

  it('refuses a bad prefix, naming the field', () => {
    expect(
      () => new DatabaseHost({ postgresAdminUrl: PG_ADMIN, mysqlAdminUrl: MY_ADMIN, prefix: 'Bad-Prefix' }),
    ).toThrow(/prefix/);
    expect(
      () => new DatabaseHost({ postgresAdminUrl: 'nope', mysqlAdminUrl: MY_ADMIN, prefix: 'ok_' }),
    ).toThrow(/postgresAdminUrl/);
  });
});

describe('PostgreSQL', () => {
  it('provisions a database owned by a login role, changes its password and drops it', async () => {
    const key = { environmentId: env(1), serviceName: 'Postgres' };
    const first = `pw-${randomBytes(9).toString('hex')}'"\\`;
    const db = await host.provision('postgres', key, first);
    expect(db.url.startsWith('postgresql://')).toBe(true);
    expect(new URL(db.url).password).toBe(encodeURIComponent(first));
    expect(redact(`url ${db.url}`)).not.toContain(first);

    // Connect as that user with the returned URL and use the public schema.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const who = await c.query<{ u: string; d: string }>('SELECT current_user AS u, current_database() AS d');
    expect(who.rows[0]).toEqual({ u: db.user, d: db.database });
    await c.query('CREATE TABLE public.t (id serial PRIMARY KEY, v text)');
    await c.query("INSERT INTO t (v) VALUES ('hello')");
    expect((await c.query('SELECT v FROM t')).rows).toEqual([{ v: 'hello' }]);
    await c.end();

    const meta = await pgAdmin((a) =>
      a.query<{ owner: string; login: boolean }>(
        `SELECT pg_get_userbyid(d.datdba) AS owner, r.rolcanlogin AS login
           FROM pg_database d, pg_roles r WHERE d.datname = $1 AND r.rolname = $2`,
        [db.database, db.user],
      ),
    );
    expect(meta.rows[0]).toEqual({ owner: db.user, login: true });
    // Schema privileges live inside the new database: ask there, as the admin.
    const inside = new pg.Client({ connectionString: PG_ADMIN.replace(/\/postgres$/, `/${db.database}`) });
    await inside.connect();
    const priv = await inside.query("SELECT has_schema_privilege($1, 'public', 'CREATE') AS c", [db.user]);
    await inside.end();
    expect(priv.rows[0].c).toBe(true);

    // Trust auth accepts anything, so check the stored verifier instead.
    const verifier = async () =>
      (
        await pgAdmin((a) =>
          a.query<{ v: string }>('SELECT rolpassword AS v FROM pg_authid WHERE rolname = $1', [db.user]),
        )
      ).rows[0]!.v;
    expect(scramAccepts(await verifier(), first)).toBe(true);
    const second = `new-${randomBytes(9).toString('hex')}`;
    await host.setPassword(db, second);
    expect(scramAccepts(await verifier(), second)).toBe(true);
    expect(scramAccepts(await verifier(), first)).toBe(false);
    expect(host.list().find((d) => d.database === db.database)?.url).toContain(encodeURIComponent(second));

    // An open session does not block the drop.
    const holder = new pg.Client({ connectionString: db.url });
    holder.on('error', () => undefined);
    await holder.connect();
    await host.drop(db);
    await holder.end().catch(() => undefined);
    const left = await pgAdmin((a) =>
      a.query(
        'SELECT (SELECT count(*) FROM pg_database WHERE datname = $1)::int AS dbs, (SELECT count(*) FROM pg_roles WHERE rolname = $2)::int AS roles',
        [db.database, db.user],
      ),
    );
    expect(left.rows[0]).toEqual({ dbs: 0, roles: 0 });
    expect(host.list().some((d) => d.database === db.database)).toBe(false);
    await host.drop(db); // idempotent
  });

  it('re-provisioning returns the same database; other environments get their own', async () => {
    const e1 = env(2);
    const a = await host.provision('postgres', { environmentId: e1, serviceName: 'Postgres' }, 'pw-aaaaaaaa');
    const c = new pg.Client({ connectionString: a.url });
    await c.connect();
    await c.query('CREATE TABLE kept (x int)');
    await c.end();
    const again = await host.provision(
      'postgres',
      { environmentId: e1, serviceName: 'Postgres' },
      'pw-bbbbbbbb',
    );
    expect(again.database).toBe(a.database);
    expect(again.url).toContain('pw-bbbbbbbb');
    const c2 = new pg.Client({ connectionString: again.url });
    await c2.connect();
    expect((await c2.query("SELECT to_regclass('public.kept') IS NOT NULL AS kept")).rows[0].kept).toBe(true);
    await c2.end();

    const other = await host.provision(
      'postgres',
      { environmentId: env(3), serviceName: 'Postgres' },
      'pw-cccccccc',
    );
    expect(other.database).not.toBe(a.database);
    expect(
      host
        .list()
        .filter((d) => d.engine === 'postgres')
        .map((d) => d.database),
    ).toEqual(expect.arrayContaining([a.database, other.database]));
  });

  it('provisions concurrently without collisions', async () => {
    const e = env(4);
    const dbs = await Promise.all(
      ['a', 'b', 'c', 'a'].map((s) =>
        host.provision('postgres', { environmentId: e, serviceName: s }, `pw-${s}-12345`),
      ),
    );
    expect(new Set(dbs.map((d) => d.database)).size).toBe(3);
  });
});

describe('MariaDB', () => {
  it('provisions a database and user, changes the password and drops both', async () => {
    const key = { environmentId: env(5), serviceName: 'MariaDB' };
    const first = `pw-${randomBytes(9).toString('hex')}@:/'`;
    const db = await host.provision('mariadb', key, first);
    expect(db.url.startsWith('mariadb://')).toBe(true);
    expect(db.port).toBe(3306);

    const connect = (password: string) =>
      mysql.createConnection({
        host: db.host,
        port: db.port,
        user: db.user,
        password,
        database: db.database,
      });
    const c = await connect(first);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, v varchar(20)) ');
    await c.query("INSERT INTO t VALUES (1, 'hé 🎉')");
    const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT v FROM t');
    expect(rows[0]!.v).toBe('hé 🎉');
    const [cs] = await c.query<mysql.RowDataPacket[]>(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
    );
    expect(cs[0]).toMatchObject({ cs: 'utf8mb4', co: 'utf8mb4_unicode_520_ci' });

    // LOAD DATA LOCAL INFILE works for this user (server local_infile must be ON).
    const [li] = await c.query<mysql.RowDataPacket[]>("SHOW VARIABLES LIKE 'local_infile'");
    expect(li[0]!.Value).toBe('ON');
    await c.query({
      sql: "LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE t FIELDS TERMINATED BY '\\t' (id, v)",
      infileStreamFactory: () => Readable.from([Buffer.from('2\ttwo\n3\tthree\n')]),
    });
    const [count] = await c.query<mysql.RowDataPacket[]>('SELECT count(*) AS n FROM t');
    expect(Number(count[0]!.n)).toBe(3);
    // It cannot see other databases' data.
    await expect(c.query('SELECT * FROM mysql.user')).rejects.toThrow(/denied/);
    await c.end();

    const second = `new-${randomBytes(9).toString('hex')}`;
    await host.setPassword(db, second);
    await expect(connect(first)).rejects.toThrow(/Access denied/);
    const c2 = await connect(second);
    await c2.query('SELECT 1');

    // Open session is killed by the drop.
    await host.drop(db);
    await expect(c2.query('SELECT 1')).rejects.toThrow();
    c2.destroy();
    const gone = await myAdmin(async (a) => {
      const [d] = await a.query<mysql.RowDataPacket[]>(
        'SELECT count(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [db.database],
      );
      const [u] = await a.query<mysql.RowDataPacket[]>(
        'SELECT count(*) AS n FROM mysql.user WHERE User = ?',
        [db.user],
      );
      return { dbs: Number(d[0]!.n), users: Number(u[0]!.n) };
    });
    expect(gone).toEqual({ dbs: 0, users: 0 });
    await host.drop(db); // idempotent
  });

  it('mysql engine gives a mysql:// URL on the same server; environments stay apart', async () => {
    const a = await host.provision('mysql', { environmentId: env(6), serviceName: 'MySQL' }, 'pw-mysql-1111');
    const b = await host.provision('mysql', { environmentId: env(7), serviceName: 'MySQL' }, 'pw-mysql-2222');
    expect(a.url.startsWith('mysql://')).toBe(true);
    expect(a.database).not.toBe(b.database);
    expect(a.user).not.toBe(b.user);
    const c = await mysql.createConnection({
      host: a.host,
      port: a.port,
      user: a.user,
      password: a.password,
    });
    await expect(c.query(`USE \`${b.database}\``)).rejects.toThrow(/denied/);
    await c.end();
  });
});

describe('dropAll', () => {
  it('removes everything this host provisioned', async () => {
    const own = new DatabaseHost({
      postgresAdminUrl: PG_ADMIN,
      mysqlAdminUrl: MY_ADMIN,
      prefix: `${prefix}x_`,
    });
    const dbs: PhysicalDatabase[] = [
      await own.provision('postgres', { environmentId: 'e', serviceName: 'pg' }, 'pw-123456'),
      await own.provision('mariadb', { environmentId: 'e', serviceName: 'maria' }, 'pw-123456'),
    ];
    expect(own.list()).toHaveLength(2);
    await own.dropAll();
    expect(own.list()).toHaveLength(0);
    const pgLeft = await pgAdmin((a) =>
      a.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbs[0]!.database]),
    );
    expect(pgLeft.rowCount).toBe(0);
    const myLeft = await myAdmin(async (a) => {
      const [r] = await a.query<mysql.RowDataPacket[]>(
        'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [dbs[1]!.database],
      );
      return r.length;
    });
    expect(myLeft).toBe(0);
  });
});
