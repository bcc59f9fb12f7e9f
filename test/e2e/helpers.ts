// Shared by the end-to-end clone tests: an emulator with real databases, a client, a context.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';
import {
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
  type ScenarioName,
} from '../../src/emulator/index.js';
import { railwayClientFromEnv } from '../../src/railway/client.js';
import type { RailwayApi } from '../../src/railway/types.js';
import type { StepContext } from '../../src/clone/context.js';
import { newState } from '../../src/clone/state.js';
import { CloneRequestSchema, type CloneRequestInput, parseInput } from '../../src/inputs/index.js';
import { createLogger, setLogSink } from '../../src/util/log.js';
import type { ProgressEvent } from '../../src/util/progress.js';

export interface Harness {
  emulator: RunningEmulator;
  railway: RailwayApi;
  logs: string[];
  events: ProgressEvent[];
  context(request: CloneRequestInput, extra?: Partial<StepContext>): StepContext;
  serviceId(name: string): Promise<string>;
  /** A service's variables in an environment, rendered unless asked otherwise. */
  vars(environmentId: string, service: string, unrendered?: boolean): Promise<Record<string, string>>;
}

export async function startHarness(
  scenario: ScenarioName,
  dbPrefix: string,
  options: Omit<EmulatorOptions, 'scenario' | 'dbPrefix'> = {},
): Promise<Harness> {
  const emulator = await startEmulator({ port: 0, scenario, dbPrefix, deploymentStepMs: 20, ...options });
  const railway = railwayClientFromEnv({
    RAILWAY_API_TOKEN: emulator.tokens.account,
    RAILWAY_API_URL: emulator.url,
  });
  const logs: string[] = [];
  const events: ProgressEvent[] = [];
  const projectId = emulator.projectId;
  const serviceId = async (name: string) =>
    (await railway.getProject(projectId)).services.find((s) => s.name === name)!.id;
  setLogSink(({ level, scope, message }) => logs.push(`${level} [${scope}] ${message}`));
  return {
    emulator,
    railway,
    logs,
    events,
    serviceId,
    vars: async (environmentId, service, unrendered = false) =>
      railway.getVariables({ projectId, environmentId, serviceId: await serviceId(service), unrendered }),
    context: (request, extra = {}) => ({
      railway,
      request: parseInput(CloneRequestSchema, { railway_project_id: emulator.projectId, ...request }),
      state: newState(`test-${randomUUID()}`),
      log: createLogger('test'),
      progress: (e) => events.push(e),
      now: () => new Date(),
      outputKey: 'test-output-key-0123456789',
      ...extra,
    }),
  };
}

/** Rows of every table of a database, as comparable JSON strings, keyed by table. */
export async function dumpDatabase(url: string): Promise<Record<string, string[]>> {
  if (url.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ t: string }>(
        "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog','information_schema') AND table_type = 'BASE TABLE' ORDER BY 1",
      );
      const out: Record<string, string[]> = {};
      for (const { t } of tables.rows) {
        const rows = await client.query(`SELECT row_to_json(x)::text AS j FROM ${t} x`);
        out[t] = rows.rows.map((r) => r.j as string).sort();
      }
      return out;
    } finally {
      await client.end();
    }
  }
  const conn = await mysql.createConnection({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  try {
    const [tables] = await conn.query<mysql.RowDataPacket[]>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    const out: Record<string, string[]> = {};
    for (const { t } of tables) {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT * FROM \`${t}\``);
      out[t] = rows
        .map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
        .sort();
    }
    return out;
  } finally {
    await conn.end();
  }
}

/** Databases whose name starts with `prefix` on the local PostgreSQL and MariaDB servers. */
export async function physicalDatabases(prefix: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  const pgRows = await client.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE datname LIKE $1',
    [`${prefix}%`],
  );
  await client.end();
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  const [myRows] = await conn.query<mysql.RowDataPacket[]>(
    'SELECT schema_name AS s FROM information_schema.schemata WHERE schema_name LIKE ?',
    [`${prefix}%`],
  );
  await conn.end();
  return [...pgRows.rows.map((r) => r.datname), ...myRows.map((r) => String(r.s))].sort();
}

/** The URL of the physical database behind a service, from its parts (the password may have been rotated since). */
export function physicalUrl(emulator: RunningEmulator, environmentId: string, service: string): string {
  const d = emulator.database(environmentId, service);
  if (!d) throw new Error(`no database behind ${service} in ${environmentId}`);
  const scheme = d.engine === 'postgres' ? 'postgresql' : 'mysql';
  return `${scheme}://${encodeURIComponent(d.user)}:${encodeURIComponent(d.password)}@${d.host}:${d.port}/${d.database}`;
}
