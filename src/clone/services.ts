// What kind of service is this, and where do its database credentials live?
import { parseDatabaseUrl } from '../data/common/database-url.js';
import type { VariableMap } from '../railway/types.js';
import { newPassword } from './random.js';

export type DbEngine = 'postgres' | 'mysql' | 'mariadb';

/** The engine behind a service, from its image, as `railway connect` decides it. */
export function engineForImage(image: string | null | undefined): DbEngine | null {
  if (!image) return null;
  const name = image.toLowerCase().split('@')[0]!.split(':')[0]!;
  const last = name.split('/').pop() ?? '';
  if (/postgres|postgis|timescale/.test(last) || /postgres/.test(name)) return 'postgres';
  if (last.startsWith('mariadb')) return 'mariadb';
  if (last.startsWith('mysql')) return 'mysql';
  return null;
}

/** Variables holding the password a clone rotates, so staging never shares production's. */
export const PASSWORD_VARIABLES: Record<DbEngine, string[]> = {
  postgres: ['POSTGRES_PASSWORD'],
  mysql: ['MYSQL_ROOT_PASSWORD'],
  mariadb: ['MARIADB_PASSWORD', 'MARIADB_ROOT_PASSWORD'],
};

/** Variables that may hold a URL reachable from outside Railway, best first. */
const PUBLIC_URL_VARIABLES: Record<DbEngine, string[]> = {
  postgres: ['DATABASE_PUBLIC_URL', 'DATABASE_URL'],
  mysql: ['MYSQL_PUBLIC_URL', 'MYSQL_URL'],
  mariadb: ['MARIADB_PUBLIC_URL', 'MARIADB_URL'],
};

/** A URL of the database reachable from here (not `*.railway.internal`), or null. */
export function publicDatabaseUrl(engine: DbEngine, rendered: VariableMap): string | null {
  for (const name of PUBLIC_URL_VARIABLES[engine]) {
    const value = rendered[name];
    if (!value) continue;
    try {
      const url = parseDatabaseUrl(value, name, { engine: engine === 'postgres' ? 'postgres' : 'mysql' });
      if (url.host.endsWith('.railway.internal') || url.host === '') continue;
      return value;
    } catch {
      continue;
    }
  }
  return null;
}

export const DEFAULT_PORT: Record<DbEngine, number> = { postgres: 5432, mysql: 3306, mariadb: 3306 };

/** New values for the database's password variables that hold a literal (a reference follows its target). */
export function rotatedPasswords(engine: DbEngine, sourceVars: VariableMap): VariableMap {
  const out: VariableMap = {};
  for (const name of PASSWORD_VARIABLES[engine]) {
    if (sourceVars[name] !== undefined && !sourceVars[name]!.includes('${{')) out[name] = newPassword();
  }
  return out;
}
