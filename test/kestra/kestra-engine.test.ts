// Kestra's own engine runs every flow of flows/, on Kestra 1.3.31 and 2.0.0: the Maven module beside this
// file (pom.xml, JUnit 5 tests in src/test/java) boots Kestra's executor, worker and scheduler in one JVM
// per version. This file is its npm side: it starts the Railway emulator with real databases, answers the
// JUnit tests' questions about it (test-only control endpoints), and runs `mvn verify` once per version.
// Needs a JDK ≥ 21 and Maven; without them it fails with a one-line message (never skips).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMeta, writeMeta } from '../../src/clone/metadata.js';
import { FLOWS } from '../../src/flows/table.js';
import { publicDatabaseUrl } from '../../src/clone/services.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { railwayClientFromEnv } from '../../src/railway/client.js';
import type { RailwayApi } from '../../src/railway/types.js';
import { physicalDatabases } from '../e2e/helpers.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const MODULE = path.join(REPO, 'test/kestra');
const VERSIONS = [
  ['1.3.31', 'kestra-1.3'],
  ['2.0.0', 'kestra-2.0'],
] as const;

/** Everything in `all`, or the part of it an environment variable names (comma-separated): a way to narrow a
 * run while working on it (a JUnit method as `FlowRunsTest#name`), never to add to it or to skip it all. */
function narrowed(variable: string, all: readonly string[]): string[] {
  const asked = process.env[variable]
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!asked?.length) return [...all];
  const unknown = asked.filter((a) => !all.includes(a.split('#')[0]!));
  if (unknown.length) throw new Error(`${variable}: ${unknown.join(', ')} is not one of ${all.join(', ')}`);
  return asked;
}

/** A JDK ≥ 21: JAVA_HOME, then the JDKs under /usr/lib/jvm, newest first. */
function findJdk(): string {
  const jvm = '/usr/lib/jvm';
  const candidates = [
    process.env.JAVA_HOME,
    ...(existsSync(jvm) ? readdirSync(jvm).sort().reverse() : []).map((d) => path.join(jvm, d)),
  ].filter((d): d is string => Boolean(d));
  for (const home of candidates) {
    const java = path.join(home, 'bin/java');
    if (!existsSync(java)) continue;
    const out = spawnSync(java, ['-XshowSettings:properties', '-version'], { encoding: 'utf8' }).stderr ?? '';
    const major = Number(/java\.specification\.version = (\d+)/.exec(out)?.[1] ?? 0);
    if (major >= 21) return home;
  }
  throw new Error(
    'Kestra engine tests need a JDK ≥ 21 (e.g. apt-get install temurin-25-jdk, or set JAVA_HOME) and Maven (apt-get install maven)',
  );
}

function findMaven(): string {
  try {
    execFileSync('mvn', ['-v'], { stdio: 'ignore' });
    return 'mvn';
  } catch {
    throw new Error('Kestra engine tests need Maven: apt-get install maven (and a JDK ≥ 21)');
  }
}

/** The JUnit tests ask the emulator side these (read-only, except marking a clone expired). */
function controlServer(em: RunningEmulator, railway: RailwayApi, prefix: string): Promise<Server> {
  const envByName = (name: string) => em.state.environmentsOf(em.projectId).find((e) => e.name === name);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const name = url.searchParams.get('environment') ?? '';
    const handle = async (): Promise<unknown> => {
      if (req.method === 'GET' && url.pathname === '/inventory')
        return {
          environments: em.state.environmentsOf(em.projectId).map((e) => e.name),
          tcpProxies: em.state.tcpProxies.size,
          productionTcpProxies: em.state.tcpProxiesOf(em.productionEnvironmentId).length,
          databases: await physicalDatabases(prefix),
        };
      const env = envByName(name);
      if (!env) throw Object.assign(new Error(`no environment ${name}`), { status: 404 });
      if (req.method === 'GET' && url.pathname === '/clone-data') {
        const db = em.state.servicesOf(em.projectId).find((s) => s.name === 'MariaDB')!;
        const vars = await railway.getVariables({
          projectId: em.projectId,
          environmentId: env.id,
          serviceId: db.id,
        });
        const conn = await mysql.createConnection({
          uri: publicDatabaseUrl('mariadb', vars)!.replace(/^mariadb:/, 'mysql:'),
        });
        try {
          const [rows] = await conn.query<mysql.RowDataPacket[]>(
            "SELECT option_value AS v FROM wp_options WHERE option_name = 'siteurl'",
          );
          return { siteurl: rows[0]?.v ?? null };
        } finally {
          await conn.end();
        }
      }
      if (req.method === 'POST' && url.pathname === '/expire') {
        const meta = await readMeta(railway, em.projectId, env.id);
        if (!meta) throw new Error(`${name} has no clone metadata`);
        await writeMeta(railway, em.projectId, env.id, {
          ...meta,
          expires_at: new Date(Date.now() - 60_000).toISOString(),
        });
        return { expired: name };
      }
      throw Object.assign(new Error('not found'), { status: 404 });
    };
    handle().then(
      (body) => reply(200, body),
      (err: Error & { status?: number }) => reply(err.status ?? 500, { error: err.message }),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The parent's environment without railclone's and Railway's own variables: a Kestra server started
 * clean (scripts/kestra-start.sh uses `env -i`), whose tasks inherit nothing but what the flow gives them. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(RAILCLONE_|RAILWAY_|ENV_|SECRET_)/.test(k)),
  );
}

interface Shared {
  em: RunningEmulator;
  railway: RailwayApi;
  control: Server;
  prefix: string;
  canary: string;
  initial: { environments: string[]; productionTcpProxies: number; databases: string[] };
}
let shared: Shared | undefined;

/** The figures the closing note asks for: the Kestra part's time, executions run per engine. */
const partStarted = Date.now();
const figures: string[] = [];

afterAll(async () => {
  process.stdout.write(
    `Kestra part: ${((Date.now() - partStarted) / 1000).toFixed(0)} s in all (emulator included); ${figures.join('; ')}\n`,
  );
  shared?.control.close();
  await shared?.em.stop();
});

describe("flows/ on Kestra's own engine", () => {
  const javaHome = findJdk();
  const mvn = findMaven();
  const tests = narrowed('RAILCLONE_KESTRA_TESTS', ['ValidateFlowsTest', 'FlowRunsTest']).join(',');
  const runsFlows = tests.split(',').includes('FlowRunsTest'); // the whole class
  const versions = VERSIONS.filter(([v]) =>
    narrowed(
      'RAILCLONE_KESTRA_VERSIONS',
      VERSIONS.map(([version]) => version),
    ).includes(v),
  );

  beforeAll(async () => {
    expect(existsSync(path.join(REPO, 'dist/railclone.mjs')), 'dist/railclone.mjs (npm run build)').toBe(
      true,
    );
    // One emulator (real MariaDB behind it) for both engines.
    const prefix = `rck${randomUUID().slice(0, 6)}`;
    const em = await startEmulator({ scenario: 'wordpress', dbPrefix: prefix, deploymentStepMs: 20 });
    const railway = railwayClientFromEnv({ RAILWAY_API_TOKEN: em.tokens.account, RAILWAY_API_URL: em.url });
    const control = await controlServer(em, railway, prefix);
    // A canary among the source's variables: a clone copies it, and it must never reach Kestra's logs or outputs.
    const canary = `canary-${randomUUID()}`;
    const primary = em.state.servicesOf(em.projectId).find((s) => s.name === 'Primary')!;
    await railway.upsertVariables({
      projectId: em.projectId,
      environmentId: em.productionEnvironmentId,
      serviceId: primary.id,
      variables: { CANARY_SECRET: canary },
      skipDeploys: true,
    });
    shared = { em, railway, control, prefix, canary, initial: await inventory(em, prefix) };
  }, 120_000);

  // Both engines at once (one JVM each, sharing the emulator); each names its clones with its own tag.
  it.concurrent.each(versions)(
    `Kestra %s runs ${tests} (mvn -P%s verify)`,
    async (version, profile) => {
      const { em, control, canary } = shared!;
      const log = path.join(MODULE, `target/kestra-${version}.log`);
      mkdirSync(path.dirname(log), { recursive: true });
      const started = Date.now();
      const code = await new Promise<number>((resolve, reject) => {
        const args = ['-B', '-f', path.join(MODULE, 'pom.xml'), `-P${profile}`, `-Dtest=${tests}`, 'verify'];
        const child = spawn(mvn, args, {
          cwd: MODULE,
          env: {
            ...cleanEnv(),
            JAVA_HOME: javaHome,
            MAVEN_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC', // Maven itself: quick start, little CPU
            RAILCLONE_REPO: REPO,
            RAILCLONE_TAG: `k${version.replace(/\D/g, '').slice(0, 2)}`,
            RAILCLONE_CONTROL_URL: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
            RAILCLONE_CANARY: canary,
            // The clone's outputs as the table declares them (the in-process engine answers from it too).
            RAILCLONE_CLONE_OUTPUTS: JSON.stringify(FLOWS['clone-staging-api'].outputs),
            // What a Kestra server reads: ENV_* → {{ envs.* }}, SECRET_* (base64) → {{ secret('*') }}.
            ENV_RAILWAY_API_URL: em.url,
            ENV_RAILWAY_PROJECT_ID: em.projectId,
            SECRET_RAILWAY_API_TOKEN: b64(em.tokens.account),
            SECRET_RAILCLONE_OUTPUT_KEY: b64(randomBytes(24).toString('hex')),
            SECRET_WEBHOOK_KEY: b64(randomBytes(16).toString('hex')),
            // The masking key a webhook clone names (mask_key_name "engine"); only its name is in the request.
            SECRET_RAILCLONE_MASK_KEY_ENGINE: b64(`mask-${randomBytes(16).toString('hex')}`),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out = createWriteStream(log);
        child.stdout.pipe(out);
        child.stderr.pipe(out);
        child.on('error', reject);
        child.on('close', (c) => resolve(c ?? 1));
      });
      const text = await readFile(log, 'utf8');
      const summary = text
        .split('\n')
        .filter((l) => /Tests run:|\[railclone\]|FAIL|ERROR\]/.test(l))
        .slice(-40)
        .join('\n');
      process.stdout.write(
        `Kestra ${version}: mvn verify exit ${code} in ${((Date.now() - started) / 1000).toFixed(0)} s (log ${log})\n${summary}\n`,
      );
      const executions = /\[railclone\] executions run on this engine: (\d+)/.exec(text)?.[1] ?? 'no';
      figures.push(
        `Kestra ${version}: ${((Date.now() - started) / 1000).toFixed(0)} s, ${executions} executions`,
      );
      expect(code, `mvn verify on Kestra ${version} failed:\n${summary}`).toBe(0);
      expect(text).toMatch(/Tests run: \d+, Failures: 0, Errors: 0, Skipped: 0/);
      // A failed clone's outputs render (as null) instead of failing to render ("Unable to find `finalize`").
      expect(text).not.toContain('Failed to render output values');
      if (runsFlows) expect(text).toMatch(/\[railclone\] executions run on this engine: \d+/);
    },
    1_500_000,
  );

  it('leaves nothing behind once both engines are done: no clone, no database, no TCP proxy on the source', async () => {
    if (!runsFlows) return;
    const { em, prefix, initial } = shared!;
    expect(await inventory(em, prefix)).toEqual(initial);
  });
});

async function inventory(em: RunningEmulator, prefix: string): Promise<Shared['initial']> {
  return {
    environments: em.state
      .environmentsOf(em.projectId)
      .map((e) => e.name)
      .sort(),
    productionTcpProxies: em.state.tcpProxiesOf(em.productionEnvironmentId).length,
    databases: (await physicalDatabases(prefix)).sort(),
  };
}
