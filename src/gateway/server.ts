// `railclone gateway`: the store, the engine (Kestra when KESTRA_URL is set, else the local backend over
// Railway or — when asked — the built-in emulator), the app, and an HTTP server.
import { serve, type ServerType } from '@hono/node-server';
import { connectRailway, type RailwayConnection } from '../clone/railway-connection.js';
import { KestraClient } from '../kestra/client.js';
import { kestraConfig } from '../kestra/config.js';
import { readRailcloneEnv } from '../config/env.js';
import { ValidationError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import { explainListenError } from '../util/listen-error.js';
import { createGatewayApp } from './app.js';
import { KestraBackend } from './backends/kestra.js';
import { LocalBackend } from './backends/local.js';
import type { ExecutionBackend } from './backends/types.js';
import { type GatewayEnv, readGatewayEnv } from './config.js';
import type { GatewayDeps, GatewaySettings } from './context.js';
import { directEnvironments } from './environments.js';
import { openStore } from './store/index.js';
import type { GatewayStore } from './store/types.js';

export interface RunningGateway {
  url: string;
  port: number;
  deps: GatewayDeps;
  /** Railway is the built-in emulator (asked for with --emulator / RAILCLONE_EMULATOR=1). */
  emulated: boolean;
  /** What a client needs to know of the emulator's project (null on real Railway). */
  defaultProjectId?: string;
  stop(): Promise<void>;
}

export function settingsFrom(env: GatewayEnv): GatewaySettings {
  return {
    namespace: env.RAILCLONE_NAMESPACE,
    corsOrigins: env.RAILCLONE_CORS_ORIGINS,
    bodyLimit: env.RAILCLONE_GATEWAY_BODY_LIMIT,
    rate: { defaultLimit: env.RAILCLONE_RATE_LIMIT, windowSeconds: env.RAILCLONE_RATE_WINDOW_SECONDS },
    publicUrl: env.RAILCLONE_PUBLIC_URL?.replace(/\/+$/, ''),
    trustedProxies: env.RAILCLONE_TRUSTED_PROXIES,
  };
}

/** Listens on `port` (0 = any free port) with the given pieces. Tests use this with their own store/backend. */
export async function listen(
  deps: GatewayDeps,
  port: number,
  host = '127.0.0.1',
): Promise<{ server: ServerType; port: number }> {
  const app = createGatewayApp(deps);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) =>
      resolve({ server, port: info.port }),
    );
    server.once('error', (err) =>
      reject(
        explainListenError(
          err,
          port,
          host,
          'set RAILCLONE_GATEWAY_PORT (or --port) to a free port, or 0 for any',
        ),
      ),
    );
  });
}

export async function closeServer(server: ServerType): Promise<void> {
  const s = server as unknown as { close(cb: (err?: Error) => void): void; closeAllConnections?: () => void };
  s.closeAllConnections?.();
  await new Promise<void>((resolve) => s.close(() => resolve()));
}

export async function startGateway(
  opts: { env?: NodeJS.ProcessEnv; port?: number; scenario?: string; emulator?: boolean } = {},
): Promise<RunningGateway> {
  const processEnv = opts.env ?? process.env;
  const env = readGatewayEnv(processEnv);
  const log = createLogger('gateway');
  const store: GatewayStore = await openStore(env);
  let backend: ExecutionBackend | undefined;
  let connection: RailwayConnection | null = null;
  try {
    const rc = readRailcloneEnv(processEnv);
    if (env.KESTRA_URL) {
      if (!env.KESTRA_WEBHOOK_KEY)
        throw new ValidationError(
          'KESTRA_WEBHOOK_KEY',
          "KESTRA_WEBHOOK_KEY must be set to the flows' webhook key (the Kestra secret WEBHOOK_KEY) when KESTRA_URL is set",
        );
      backend = new KestraBackend({
        client: new KestraClient(kestraConfig(processEnv)),
        webhookKey: env.KESTRA_WEBHOOK_KEY,
        store,
        outputKey: rc.RAILCLONE_OUTPUT_KEY,
      });
    }
    // Environment reads go to Railway in both modes (the built-in emulator only when asked).
    connection = await connectRailway({ scenario: opts.scenario, env: processEnv, emulator: opts.emulator });
    const defaultProjectId = rc.RAILCLONE_PROJECT_ID ?? connection.defaultProjectId;
    const settings = settingsFrom(env);
    if (!backend) {
      const local = new LocalBackend({
        store,
        railway: connection.railway,
        defaultProjectId,
        outputKey: rc.RAILCLONE_OUTPUT_KEY,
        cloneConcurrency: env.RAILCLONE_CLONE_CONCURRENCY,
      });
      // What a killed predecessor left RUNNING: FAILED, rolled back, logged — before new work starts;
      // what it left waiting runs now, as Kestra's queue does.
      const { failed, resumed } = await local.recover([settings.namespace]);
      if (failed.length)
        log.warn(
          `recovered ${failed.length} execution(s) a stopped clone API left unfinished: ${failed.join(', ')} (marked FAILED, rolled back)`,
        );
      if (resumed.length)
        log.warn(
          `${resumed.length} execution(s) a stopped clone API left waiting run now: ${resumed.join(', ')}`,
        );
      backend = local;
    }
    const deps: GatewayDeps = {
      store,
      backend,
      environments: directEnvironments(connection.railway, defaultProjectId),
      settings,
    };
    const { server, port } = await listen(
      deps,
      opts.port ?? env.RAILCLONE_GATEWAY_PORT,
      env.RAILCLONE_GATEWAY_HOST,
    );
    const url = `http://${env.RAILCLONE_GATEWAY_HOST}:${port}`;
    log.info(
      `clone API on ${url} — engine ${backend.kind}, store ${store.kind}${connection.emulated ? ', Railway emulator' : ''}`,
    );
    const conn = connection;
    return {
      url,
      port,
      deps,
      emulated: conn.emulated,
      defaultProjectId,
      stop: async () => {
        await closeServer(server);
        await deps.backend.close();
        await store.close();
        await conn.close();
      },
    };
  } catch (err) {
    await store.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    throw err;
  }
}
