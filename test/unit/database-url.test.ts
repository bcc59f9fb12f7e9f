// The one database-URL parser (src/data/common/database-url.ts) that every caller shares.
import { describe, expect, it } from 'vitest';
import { engineOfUrl, parseDatabaseUrl } from '../../src/data/common/database-url.js';
import { connectionOptions } from '../../src/data/mysql/connect.js';
import { parseDatabaseUrl as endpointOf } from '../../src/data/common/same-target.js';
import { engineOf } from '../../src/data/copy.js';
import { publicDatabaseUrl } from '../../src/clone/services.js';
import { ValidationError } from '../../src/util/errors.js';
import { redact } from '../../src/util/secrets.js';

describe('parseDatabaseUrl', () => {
  it('reads every part, decoded, with the engine’s default port', () => {
    expect(parseDatabaseUrl('postgresql://u%40x:p%2Fw@db.example.com/shop?sslmode=require')).toMatchObject({
      engine: 'postgres',
      scheme: 'postgresql',
      host: 'db.example.com',
      port: 5432,
      user: 'u@x',
      password: 'p/w',
      database: 'shop',
    });
    expect(parseDatabaseUrl('mysql://root@[::1]:3307/wp')).toMatchObject({ host: '::1', port: 3307 });
  });

  it('matches the scheme case-insensitively everywhere, mariadb: included', () => {
    for (const url of ['MARIADB://u:pw@h/db', 'MariaDB://u:pw@h/db', 'MySQL://u:pw@h/db']) {
      expect(parseDatabaseUrl(url).engine).toBe('mysql');
      expect(engineOf(url)).toBe('mysql');
      expect(engineOfUrl(url)).toBe('mysql');
      expect(endpointOf(url).engine).toBe('mysql');
      expect(connectionOptions(url, 'url')).toMatchObject({ host: 'h', user: 'u', database: 'db' });
      expect(publicDatabaseUrl('mariadb', { MARIADB_URL: url })).toBe(url);
    }
    expect(parseDatabaseUrl('POSTGRES://u:pw@h/db').engine).toBe('postgres');
  });

  it('registers the password as a secret at once', () => {
    parseDatabaseUrl('postgres://u:s3cret-parse-test@h/db');
    expect(redact('leaked s3cret-parse-test')).not.toContain('s3cret-parse-test');
  });

  it('refuses, naming the field, a bad URL, another scheme, a missing database, the wrong engine', () => {
    const fieldOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ValidationError ? [e.field, e.message] : ['?', String(e)];
      }
      return null;
    };
    expect(fieldOf(() => parseDatabaseUrl('not a url', '--source'))).toEqual([
      '--source',
      '--source is not a valid database URL',
    ]);
    expect(fieldOf(() => parseDatabaseUrl('redis://h/0', '--target'))?.[1]).toBe(
      '--target must start with postgresql://, postgres://, mysql:// or mariadb://',
    );
    expect(fieldOf(() => parseDatabaseUrl('mysql://h', 'url'))?.[1]).toMatch(/must name a database/);
    expect(fieldOf(() => connectionOptions('postgres://h/db', 'url'))?.[1]).toBe(
      'url must start with mysql:// or mariadb://',
    );
  });
});
