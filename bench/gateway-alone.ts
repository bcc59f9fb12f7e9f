// The gateway ALONE, measured from another process (run by hand: npx tsx bench/gateway-alone.ts [file|postgres]).
// It bundles the CLI as `npm run build` does (into a temp dir, so a half-edited checkout's dist/ is left
// alone), starts `node railclone.mjs gateway` as its own process (built-in emulator, scenario "empty"), and
// drives it with autocannon from this process: the load generator never shares the gateway's event loop.
// Per endpoint: client latency p50/p99 and the gateway's own handler time (its Server-Timing header).
// BENCH_PROFILE=1 adds `--cpu-prof` to the gateway (profiles land in the printed temp dir).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import pg from 'pg';

// 1 connection: a request's own cost (service time). 20: the load, where latency also holds the
// wait behind the other nineteen (Little's law: latency ≈ connections / throughput).
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,20').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ADMIN_PG = 'postgresql://postgres@127.0.0.1:5432/postgres';
const BASE = '/api/v1/main/executions';
const CLONE = `${BASE}/webhook/railclone/clone-staging-api/k`;

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ??
  NaN;

interface Row {
  endpoint: string;
  connections: number;
  requests: number;
  statuses: string;
  p50: number;
  p99: number;
  ownP50: number;
  ownP99: number;
}

/** The endpoint at each connection count. */
async function measureAll(endpoint: string, opts: autocannon.Options): Promise<Row[]> {
  const rows: Row[] = [];
  // A fixed amount (runs that really start) is scaled down for one connection, but never below 100 samples.
  for (const connections of CONNECTIONS)
    rows.push(
      await measure(endpoint, {
        ...opts,
        connections,
        amount: opts.amount && Math.max(100, Math.ceil((opts.amount * connections) / 20)),
      }),
    );
  return rows;
}

async function measure(endpoint: string, opts: autocannon.Options): Promise<Row> {
  const own: number[] = [];
  const statuses = new Map<number, number>();
  const result = await autocannon({
    ...opts,
    setupClient: (client) => {
      const em = client as unknown as NodeJS.EventEmitter;
      em.on('headers', (parsed: { headers: string[] }) => {
        const h = parsed.headers; // the parser's raw list: name, value, …
        for (let i = 0; i < h.length; i += 2)
          if (String(h[i]).toLowerCase() === 'server-timing')
            own.push(Number(/dur=([\d.]+)/.exec(String(h[i + 1]))?.[1]));
      });
      em.on('response', (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1));
    },
  });
  return {
    endpoint,
    connections: opts.connections ?? 1,
    requests: result.requests.total,
    statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(' '),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ownP50: pct(own, 50),
    ownP99: pct(own, 99),
  };
}

async function bundle(dir: string): Promise<string> {
  const outfile = join(dir, 'railclone.mjs');
  await build({
    entryPoints: ['src/cli.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['pg-native'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return outfile;
}

/** Starts a process that prints `{"url": …}` as its first stdout line once it listens. */
async function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`)));
  });
  return { url: (JSON.parse(first) as { url: string }).url, child };
}

async function pollUntilDone(url: string, key: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const body = (await (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      state: string;
    };
    if (['SUCCESS', 'FAILED', 'WARNING'].includes(body.state)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not finish`);
}

async function waitIdle(searchUrl: string, key: string): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    const body = (await (await fetch(searchUrl, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      total: number;
    };
    if (body.total === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('runs did not finish');
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function benchStore(cli: string, storeKind: 'file' | 'postgres'): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-gw-alone-'));
  const dbName = `gwbench_${Math.random().toString(36).slice(2, 10)}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RAILCLONE_GATEWAY_DIR: join(dir, 'store'),
    RAILCLONE_LOG_LEVEL: 'warn',
    RAILCLONE_EMULATOR: '1',
    RAILCLONE_AUDIT_KEY: 'bench-audit-key-0123456789abcdef0123',
  };
  delete env.RAILWAY_API_TOKEN;
  delete env.KESTRA_URL;
  if (storeKind === 'postgres') {
    const admin = new pg.Client({ connectionString: ADMIN_PG });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    env.RAILCLONE_GATEWAY_DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${dbName}`;
  }
  let child: ChildProcess | undefined;
  let kestra: ChildProcess | undefined;
  let kestraGateway: ChildProcess | undefined;
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const gatewayArgs = [...profile, cli, 'gateway', '--port', '0', '--scenario', 'empty'];
  try {
    const created = await promisify(execFile)(
      process.execPath,
      [cli, 'keys', 'create', '--name', 'bench', '--rate-limit', '100000'],
      { env },
    );
    const key = (JSON.parse(created.stdout) as { key: string }).key;
    const gw = await startProcess(gatewayArgs, env);
    child = gw.child;
    const auth = { authorization: `Bearer ${key}` };
    const json = { 'content-type': 'application/json', ...auth };
    // History first: one finished clone (fails at preflight: the empty scenario has no source) and one
    // successful list-environments run, so estimates and polling read real records.
    const start = async (flow: string, body: unknown) =>
      (await (
        await fetch(`${gw.url}${BASE}/webhook/railclone/${flow}/k`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify(body),
        })
      ).json()) as { polling_url: string };
    const finished = await start('clone-staging-api', {
      client_name: 'bench',
      source_environment: 'does-not-exist',
    });
    await pollUntilDone(`${gw.url}${finished.polling_url}`, key);
    const listed = await start('list-environments', {});
    await pollUntilDone(`${gw.url}${listed.polling_url}`, key);

    const rows: Row[] = [];
    // Each request starts a real execution, run by the gateway process's local backend against its built-in
    // emulator (it ends at preflight: the source does not exist), so the 202 path competes with real runs.
    rows.push(
      ...(await measureAll('202 start (clone; runs in the gateway)', {
        url: `${gw.url}${CLONE}`,
        method: 'POST',
        headers: json,
        body: JSON.stringify({ client_name: 'bench', source_environment: 'does-not-exist' }),
        amount: 400,
      })),
    );
    await waitIdle(`${gw.url}${BASE}/railclone/clone-staging-api?state=CREATED,RUNNING&size=1`, key); // read-only endpoints run with no clone running
    rows.push(
      ...(await measureAll('400 refused at validation (audited)', {
        url: `${gw.url}${CLONE}`,
        method: 'POST',
        headers: json,
        body: JSON.stringify({ client_name: '-invalid-' }),
        duration: SECONDS,
      })),
    );
    rows.push(
      ...(await measureAll('401 wrong key (audited)', {
        url: `${gw.url}${finished.polling_url}`,
        headers: { authorization: `Bearer rck_000000000000_${'x'.repeat(43)}` },
        duration: SECONDS,
      })),
    );
    rows.push(
      ...(await measureAll('200 poll a finished clone', {
        url: `${gw.url}${finished.polling_url}`,
        headers: auth,
        duration: SECONDS,
      })),
    );
    rows.push(
      ...(await measureAll('200 history (page of 25)', {
        url: `${gw.url}${BASE}/railclone/clone-staging-api?size=25`,
        headers: auth,
        duration: SECONDS,
      })),
    );

    await stop(child);

    // The same store behind the Kestra engine, Kestra being a stand-in that answers at once in its own
    // process: the 202 path with nothing running in the gateway's process.
    const standin = await startProcess(['--import', 'tsx', 'bench/gateway-kestra-standin.ts'], process.env);
    kestra = standin.child;
    const kenv = {
      ...env,
      KESTRA_URL: standin.url,
      KESTRA_USER: 'bench@example.com',
      KESTRA_PASSWORD: 'bench-password',
      KESTRA_WEBHOOK_KEY: 'bench-webhook-key',
    };
    const kgw = await startProcess(gatewayArgs, kenv);
    kestraGateway = kgw.child;
    rows.push(
      ...(await measureAll('202 start (clone, Kestra stand-in)', {
        url: `${kgw.url}${CLONE}`,
        method: 'POST',
        headers: json,
        body: JSON.stringify({ client_name: 'bench', source_environment: 'does-not-exist' }),
        duration: SECONDS,
      })),
    );
    await stop(kestraGateway);

    const verify = await promisify(execFile)(process.execPath, [cli, 'audit', 'verify'], { env }).catch(
      (e: { stdout: string }) => e,
    );
    console.log(`${storeKind}: audit verify ${verify.stdout.trim()}`);
    return rows;
  } finally {
    await stop(child);
    await stop(kestraGateway);
    await stop(kestra);
    if (storeKind === 'postgres') {
      const admin = new pg.Client({ connectionString: ADMIN_PG });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
    if (process.env.BENCH_PROFILE) console.log(`profiles kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

const kinds = (process.argv[2] ? [process.argv[2]] : ['file', 'postgres']) as ('file' | 'postgres')[];
const buildDir = await mkdtemp(join(tmpdir(), 'rc-gw-bundle-'));
try {
  const cli = await bundle(buildDir);
  for (const kind of kinds) {
    const rows = await benchStore(cli, kind);
    console.log(
      `\n${kind} store, gateway in its own process (node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    console.log(
      '| endpoint | connections | requests | statuses | p50 ms | p99 ms | own p50 ms | own p99 ms |\n| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const r of rows)
      console.log(
        `| ${r.endpoint} | ${r.connections} | ${r.requests} | ${r.statuses} | ${r.p50} | ${r.p99} | ${r.ownP50.toFixed(2)} | ${r.ownP99.toFixed(2)} |`,
      );
  }
} finally {
  await rm(buildDir, { recursive: true, force: true });
}
