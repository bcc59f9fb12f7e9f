// Reaching a Railway database from where railclone runs: through its TCP proxy (opened when there is
// none), once the proxy is ACTIVE and the database answers, with the credentials of its variables.
// A new proxy is created asynchronously: CREATING first, refusing connections (FACTS §3.10; the CLI
// skips DELETED/DELETING ones, and Railway's docs say to redeploy if one never becomes active).
import pg from 'pg';
import mysql from 'mysql2/promise';
import { DEAD_PROXY } from '../railway/client.js';
import type { RailwayApi, TcpProxyInfo } from '../railway/types.js';
import { parseDatabaseUrl } from '../data/common/database-url.js';
import { RailcloneError } from '../util/errors.js';
import type { ProgressListener } from '../util/progress.js';
import { databaseUrlVia } from './database-credentials.js';
import { DEFAULT_PORT, type DbEngine, publicDatabaseUrl } from './services.js';

export interface DatabaseEndpoint {
  url: string;
  /** Set when railclone opened the proxy and must close it again. */
  openedProxyId?: string;
}

export interface AccessOptions {
  /** Open a TCP proxy when the service has none (and no public URL). */
  openProxy: boolean;
  /** Runs right before a proxy is opened (the caller records that it is about to). */
  beforeOpen?: () => Promise<void>;
  /** How long the proxy may stay CREATING, and then the database refuse connections. Default 3 min each. */
  timeoutMs?: number;
  progress?: ProgressListener;
  sleep?: (ms: number) => Promise<void>;
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
  opts: AccessOptions,
): Promise<DatabaseEndpoint> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const instance = { environmentId: scope.environmentId, serviceId: scope.serviceId };
  const [vars, proxies] = await Promise.all([
    railway.getVariables({ projectId: scope.projectId, ...instance }),
    railway.listTcpProxies(instance),
  ]);
  const port = DEFAULT_PORT[scope.engine];
  let proxy = livest(proxies, port);
  let openedProxyId: string | undefined;
  if (!proxy) {
    // No proxy, but a URL reachable from outside Railway (an external host): use it as it is.
    const url = publicDatabaseUrl(scope.engine, vars);
    if (url) {
      await waitForConnection(url, scope.engine, timeoutMs);
      return { url };
    }
    if (!opts.openProxy)
      throw new RailcloneError('NoDatabaseAccess', `${scope.serviceName} has no public URL and no TCP proxy`);
    await opts.beforeOpen?.();
    proxy = await railway.enableTcpProxy({ ...instance, applicationPort: port });
    openedProxyId = proxy.id;
  }
  const active = await waitForProxy(railway, proxy, scope.serviceName, { ...opts, timeoutMs });
  const url = databaseUrlVia(
    scope.engine,
    vars,
    { host: active.domain, port: active.proxyPort },
    scope.serviceName,
  );
  await waitForConnection(url, scope.engine, timeoutMs);
  return { url, openedProxyId };
}

/** The proxy to use: a live one on the database's port, else any live one. */
function livest(proxies: TcpProxyInfo[], port: number): TcpProxyInfo | undefined {
  const live = proxies.filter((p) => !DEAD_PROXY.has(p.syncStatus));
  return live.find((p) => p.applicationPort === port) ?? live[0];
}

/**
 * Polls until the proxy leaves CREATING (ACTIVE; UPDATING and UNSPECIFIED forward too, as far as
 * anyone knows, so the connection check decides). Intervals grow from 1 s to 10 s.
 */
async function waitForProxy(
  railway: RailwayApi,
  proxy: TcpProxyInfo,
  serviceName: string,
  opts: AccessOptions & { timeoutMs: number },
): Promise<TcpProxyInfo> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + opts.timeoutMs;
  let current = proxy;
  for (let wait = 1_000; current.syncStatus === 'CREATING'; wait = Math.min(wait * 2, 10_000)) {
    if (Date.now() >= deadline) {
      throw new RailcloneError(
        'DatabaseUnreachable',
        `${serviceName}: its TCP proxy ${proxy.domain}:${proxy.proxyPort} did not become active within ${Math.round(opts.timeoutMs / 1000)} s; ` +
          "Railway's advice for a proxy that never becomes active is to redeploy the service",
        { proxyId: proxy.id, syncStatus: current.syncStatus },
      );
    }
    opts.progress?.({ kind: 'service', service: serviceName, status: 'proxy CREATING' });
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
    const now = (
      await railway.listTcpProxies({ environmentId: proxy.environmentId, serviceId: proxy.serviceId })
    ).find((p) => p.id === proxy.id);
    if (!now || DEAD_PROXY.has(now.syncStatus))
      throw new RailcloneError(
        'DatabaseUnreachable',
        `${serviceName}: its TCP proxy was deleted while railclone waited for it`,
        {
          proxyId: proxy.id,
        },
      );
    current = now;
  }
  return current;
}

/** Resolves once `SELECT 1` succeeds, retrying until the deadline. */
export async function waitForConnection(url: string, engine: DbEngine, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      await ping(url, engine);
      return;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
  }
  throw new RailcloneError(
    'DatabaseUnreachable',
    `database did not accept connections within ${Math.round(timeoutMs / 1000)} s: ${(last as Error)?.message ?? last}`,
  );
}

async function ping(url: string, engine: DbEngine): Promise<void> {
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    client.on('error', () => {});
    await client.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
    return;
  }
  const u = parseDatabaseUrl(url, 'url', { engine: 'mysql' });
  const conn = await mysql.createConnection({
    host: u.host,
    port: u.port,
    user: u.user,
    password: u.password,
    database: u.database,
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
