// Reaching a Railway database from where railclone runs: its public URL (through a TCP proxy),
// opening a proxy when there is none, and waiting until it accepts connections.
import pg from 'pg';
import mysql from 'mysql2/promise';
import type { RailwayApi } from '../railway/types.js';
import { RailcloneError } from '../util/errors.js';
import { DEFAULT_PORT, type DbEngine, publicDatabaseUrl } from './services.js';

export interface DatabaseEndpoint {
  url: string;
  /** Set when railclone opened the proxy and must close it again. */
  openedProxyId?: string;
}

export async function databaseEndpoint(
  railway: RailwayApi,
  scope: {
    projectId: string;
    environmentId: string;
    serviceId: string;
    engine: DbEngine;
    serviceName: string;
  },
  opts: { openProxy: boolean },
): Promise<DatabaseEndpoint> {
  const read = () =>
    railway.getVariables({
      projectId: scope.projectId,
      environmentId: scope.environmentId,
      serviceId: scope.serviceId,
    });
  const url = publicDatabaseUrl(scope.engine, await read());
  if (url) return { url };
  if (!opts.openProxy) {
    throw new RailcloneError('NoDatabaseAccess', `${scope.serviceName} has no public URL and no TCP proxy`);
  }
  const proxy = await railway.enableTcpProxy({
    environmentId: scope.environmentId,
    serviceId: scope.serviceId,
    applicationPort: DEFAULT_PORT[scope.engine],
  });
  const after = publicDatabaseUrl(scope.engine, await read());
  if (!after) {
    throw new RailcloneError(
      'NoDatabaseAccess',
      `${scope.serviceName}: a TCP proxy was opened but no public database URL variable (e.g. DATABASE_PUBLIC_URL, MYSQL_PUBLIC_URL, MARIADB_URL) refers to it`,
    );
  }
  return { url: after, openedProxyId: proxy.id };
}

/** Resolves once `SELECT 1` succeeds, retrying until the deadline. */
export async function waitForConnection(url: string, engine: DbEngine, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 250; Date.now() < deadline; delay = Math.min(delay * 2, 5_000)) {
    try {
      await ping(url, engine);
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  throw new RailcloneError(
    'DatabaseUnreachable',
    `database did not accept connections within ${Math.round(timeoutMs / 1000)} s: ${(last as Error)?.message ?? last}`,
  );
}

async function ping(url: string, engine: DbEngine): Promise<void> {
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
    return;
  }
  const conn = await mysql.createConnection({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectTimeout: 5_000,
  });
  // A server that drops the connection must fail the ping, not crash the process with an 'error' event.
  conn.on('error', () => {});
  try {
    await conn.query('SELECT 1');
  } finally {
    await conn.end();
  }
}
