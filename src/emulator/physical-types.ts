// The shape of the database host (src/emulator/databases.ts) as the emulator core uses it. Kept
// structural so the core depends on behaviour, not on one implementation.
export type DbEngineName = 'postgres' | 'mysql' | 'mariadb';

export interface PhysicalDb {
  engine: DbEngineName;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  url: string;
}

export interface DbHostLike {
  provision(
    engine: DbEngineName,
    key: { environmentId: string; serviceName: string },
    password: string,
  ): Promise<PhysicalDb>;
  setPassword(db: PhysicalDb, password: string): Promise<void>;
  drop(db: PhysicalDb): Promise<void>;
  dropAll(): Promise<void>;
}

export interface DbBackend {
  engineForImage(image: string | null | undefined): DbEngineName | null;
  host: DbHostLike;
}

/** Which variables carry a database's identity and password, per engine. */
export const ENGINE_VARS: Record<
  DbEngineName,
  { database: string; user: string; password: string; port: number }
> = {
  postgres: { database: 'POSTGRES_DB', user: 'POSTGRES_USER', password: 'POSTGRES_PASSWORD', port: 5432 },
  mariadb: { database: 'MARIADB_DATABASE', user: 'MARIADB_USER', password: 'MARIADB_PASSWORD', port: 3306 },
  mysql: { database: 'MYSQL_DATABASE', user: 'MYSQLUSER', password: 'MYSQL_ROOT_PASSWORD', port: 3306 },
};
