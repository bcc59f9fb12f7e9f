// startEmulator: a stateful Railway GraphQL API v2 on a local port, with real databases behind its
// database services. For tests and the demo.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { ValidationError } from '../util/errors.js';
import { registerSecret } from '../util/secrets.js';
import { explainListenError } from '../util/listen-error.js';
import { DatabaseHost, engineForImage, type PhysicalDatabase } from './databases.js';
import { createProject } from './environments.js';
import { Faults, type FaultInjector } from './faults.js';
import { hex, newId, now } from './ids.js';
import { emulatorSchema } from './resolvers/index.js';
import { scenarios } from './scenarios/index.js';
import { seedEnvironment } from './seed.js';
import { createApp, type RequestRecord } from './server.js';
import { scopeKey, type EmulatorState } from './state.js';
import { World } from './world.js';

export type { FaultInjector } from './faults.js';
export type { RequestRecord } from './server.js';
export type { EmulatorState } from './state.js';

export const SCENARIO_NAMES = [
  'wordpress',
  'postgres-app',
  'wordpress-private',
  'postgres-app-private',
  'empty',
  'frontend-api',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface EmulatorOptions {
  /** 0 = a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'wordpress'. */
  scenario?: ScenarioName;
  /** Default postgresql://postgres@127.0.0.1:5432/postgres */
  postgresAdminUrl?: string;
  /** Default mysql://root@127.0.0.1:3306 */
  mysqlAdminUrl?: string;
  /** Time each deployment step (QUEUED → BUILDING → DEPLOYING → SUCCESS) takes. Default 150. */
  deploymentStepMs?: number;
  /** Start of every physical database name. Default 'rcemu'. */
  dbPrefix?: string;
  /** How long a new TCP proxy refuses connections (CREATING) before it is ACTIVE. Default 1000. */
  tcpProxyActivationMs?: number;
  /**
   * Requests allowed per hour before 429 + Retry-After (Railway: 100 Free, 1,000 Hobby, 10,000 Pro).
   * Default 10000.
   */
  requestsPerHour?: number;
  /**
   * Most edges one page of a connection holds, whatever `first` asks. Railway documents no cap (the
   * CLI asks for 500 and gets them), so by default there is none; tests set a small one to make a
   * client page.
   */
  maxPageSize?: number;
}

export interface RunningEmulator {
  /** http://host:port/graphql/v2 */
  url: string;
  /** Test credentials: account and workspace (Bearer), project (Project-Access-Token, bound to production). */
  tokens: { account: string; workspace: string; project: string };
  projectId: string;
  workspaceId: string;
  productionEnvironmentId: string;
  faults: FaultInjector;
  /** Read access for tests. */
  state: EmulatorState;
  /** The physical database behind a database service (tests read and compare data through it). */
  database(environmentId: string, serviceName: string): PhysicalDatabase | undefined;
  /** Requests received so far: in all, and per root field (a request may select several). */
  requests(): { total: number; byField: Record<string, number> };
  /** The last 1000 valid GraphQL operations received, oldest first (auth headers as present/absent only). */
  requestLog(): RequestRecord[];
  /** Closes the server and drops every physical database the emulator created. */
  stop(): Promise<void>;
}

function check(opts: EmulatorOptions): Required<Omit<EmulatorOptions, 'maxPageSize'>> & EmulatorOptions {
  const o = {
    maxPageSize: opts.maxPageSize,
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    scenario: opts.scenario ?? 'wordpress',
    postgresAdminUrl: opts.postgresAdminUrl ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    mysqlAdminUrl: opts.mysqlAdminUrl ?? 'mysql://root@127.0.0.1:3306',
    deploymentStepMs: opts.deploymentStepMs ?? 150,
    dbPrefix: opts.dbPrefix ?? 'rcemu',
    tcpProxyActivationMs: opts.tcpProxyActivationMs ?? 1000,
    requestsPerHour: opts.requestsPerHour ?? 10_000,
  };
  for (const [field, max] of [
    ['tcpProxyActivationMs', 600_000],
    ['requestsPerHour', 10_000_000],
  ] as const) {
    const v = o[field];
    if (!Number.isInteger(v) || v < (field === 'requestsPerHour' ? 1 : 0) || v > max)
      throw new ValidationError(
        field,
        `${field} must be a whole number from ${field === 'requestsPerHour' ? 1 : 0} to ${max}`,
        {
          provided: v,
        },
      );
  }
  if (o.maxPageSize !== undefined && (!Number.isInteger(o.maxPageSize) || o.maxPageSize < 1))
    throw new ValidationError('maxPageSize', 'maxPageSize must be a whole number ≥ 1 (or left out: no cap)', {
      provided: o.maxPageSize,
    });
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)
    throw new ValidationError('port', 'port must be a whole number from 0 to 65535 (0 = any free port)', {
      provided: o.port,
    });
  if (!(SCENARIO_NAMES as readonly string[]).includes(o.scenario))
    throw new ValidationError('scenario', `scenario must be one of ${SCENARIO_NAMES.join(', ')}`, {
      provided: o.scenario,
      allowed: SCENARIO_NAMES,
    });
  if (!Number.isInteger(o.deploymentStepMs) || o.deploymentStepMs < 0 || o.deploymentStepMs > 600_000) {
    throw new ValidationError(
      'deploymentStepMs',
      'deploymentStepMs must be a whole number of milliseconds from 0 to 600000',
      { provided: o.deploymentStepMs },
    );
  }
  if (!o.host.trim())
    throw new ValidationError('host', 'host must be a hostname or IP address', { provided: o.host });
  return o;
}

const token = (kind: string): string => {
  const t = `rcemu_${kind}_${hex(16)}`;
  registerSecret(t);
  return t;
};

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const o = check(opts);
  const host = new DatabaseHost({
    postgresAdminUrl: o.postgresAdminUrl,
    mysqlAdminUrl: o.mysqlAdminUrl,
    prefix: o.dbPrefix,
  });
  const faults = new Faults();
  const world = new World(
    {
      deploymentStepMs: o.deploymentStepMs,
      tcpProxyActivationMs: o.tcpProxyActivationMs,
      maxPageSize: o.maxPageSize,
      faults,
    },
    { engineForImage, host },
  );
  const s = world.state;
  const t = now();
  const user = { id: newId(), name: 'Emulator User', email: 'emulator@railclone.local' };
  s.users.set(user.id, user);
  const workspace = { id: newId(), name: 'Emulator Workspace', createdAt: t };
  s.workspaces.set(workspace.id, workspace);

  const scenario = scenarios[o.scenario];
  if (!scenario)
    throw new ValidationError('scenario', `scenario ${o.scenario} is not available`, {
      provided: o.scenario,
      allowed: Object.keys(scenarios),
    });
  const project = createProject(world, { name: scenario.projectName, workspaceId: workspace.id });
  const production = s.environmentsOf(project.id)[0]!;
  const tokens = { account: token('acct'), workspace: token('ws'), project: token('proj') };
  s.tokens.set(tokens.account, { kind: 'account', token: tokens.account, userId: user.id });
  s.tokens.set(tokens.workspace, { kind: 'workspace', token: tokens.workspace, workspaceId: workspace.id });
  s.tokens.set(tokens.project, {
    kind: 'project',
    token: tokens.project,
    id: newId(),
    name: 'emulator',
    projectId: project.id,
    environmentId: production.id,
    createdAt: t,
  });

  let server: ServerType | undefined;
  try {
    await seedEnvironment(world, scenario, project.id, production.id);
    const http = createApp(world, faults, emulatorSchema(), { requestsPerHour: o.requestsPerHour });
    const app = http.app;
    server = await new Promise<ServerType>((resolve, reject) => {
      const srv = serve({ fetch: app.fetch, port: o.port, hostname: o.host }, () => resolve(srv));
      srv.once('error', (err) =>
        reject(explainListenError(err, o.port, o.host, 'start it with --port <free port> (or 0 for any)')),
      );
    });
    const addr = server.address() as AddressInfo;
    const urlHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const running = server;
    let stopped: Promise<void> | undefined;
    return {
      url: `http://${urlHost}:${addr.port}/graphql/v2`,
      tokens,
      projectId: project.id,
      workspaceId: workspace.id,
      productionEnvironmentId: production.id,
      faults,
      state: s,
      database: (environmentId, serviceName) => {
        const svc = [...s.services.values()].find(
          (x) => x.name === serviceName && s.instance(environmentId, x.id),
        );
        const db = svc && world.physical.get(scopeKey(environmentId, svc.id));
        return db ? ({ ...db } as PhysicalDatabase) : undefined;
      },
      requests: () => ({ total: http.requests(), byField: faults.callCounts() }),
      requestLog: http.requestLog,
      stop: () =>
        (stopped ??= (async () => {
          await new Promise<void>((resolve) => {
            running.close(() => resolve());
            if ('closeAllConnections' in running) running.closeAllConnections();
          });
          await world.stop();
        })()),
    };
  } catch (err) {
    server?.close();
    await world.stop().catch(() => undefined);
    throw err;
  }
}
