// The gateway ALONE, measured from another process (run by hand: npx tsx bench/gateway-alone.ts [file|postgres]).
// It bundles the CLI as `npm run build` does (into a temp dir, so a half-edited checkout's dist/ is left
// alone), starts `node railclone.mjs gateway` as its own process (built-in emulator, scenario "empty"), and
// drives it with autocannon from this process: the load generator never shares the gateway's event loop.
// Per endpoint: client latency p50/p99 and the gateway's own handler time (its Server-Timing header).
// BENCH_PROFILE=1 adds `--cpu-prof` to the gateway (profiles land in the printed temp dir).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import pg from 'pg';

const CONNECTIONS = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ADMIN_PG = 'postgresql://postgres@127.0.0.1:5432/postgres';
const BASE = '/api/v1/main/executions';
const CLONE = `${BASE}/webhook/railclone/clone-staging-api/k`;

const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? NaN;

interface Row {
  endpoint: string;
  requests: number;
  statuses: string;
  p50: number;
  p99: number;
  ownP50: number;
  ownP99: number;
}

async function measure(endpoint: string, opts: autocannon.Options): Promise<Row> {
  const own: number[] = [];
  const statuses = new Map<number, number>();
  const result = await autocannon({
    connections: CONNECTIONS,
    ...opts,
    setupClient: (client) => {
      const em = client as unknown as NodeJS.EventEmitter;
      em.on('headers', (parsed: { headers: string[] }) => {
        const h = parsed.headers; // the parser's raw list: name, value, …
        for (let i = 0; i < h.length; i += 2) if (String(h[i]).toLowerCase() === 'server-timing') own.push(Number(/dur=([\d.]+)/.exec(String(h[i + 1]))?.[1]));
      });
      em.on('response', (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1));
    },
  });
  return {
    endpoint,
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
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

async function startGatewayProcess(cli: string, env: NodeJS.ProcessEnv, profileDir: string | null): Promise<{ url: string; child: ChildProcess }> {
  const args = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), cli, 'gateway', '--port', '0', '--scenario', 'empty'];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${stderr}`)));
  });
  return { url: (JSON.parse(first) as { url: string }).url, child };
}

async function pollUntilDone(url: string, key: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const body = (await (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).json()) as { state: string };
    if (['SUCCESS', 'FAILED', 'WARNING'].includes(body.state)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not finish`);
}

async function waitIdle(searchUrl: string, key: string): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    const body = (await (await fetch(searchUrl, { headers: { authorization: `Bearer ${key}` } })).json()) as { total: number };
    if (body.total === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('runs did not finish');
}

async function benchStore(cli: string, storeKind: 'file' | 'postgres'): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-gw-alone-'));
  const dbName = `gwbench_${Math.random().toString(36).slice(2, 10)}`;
  const env: NodeJS.ProcessEnv = { ...process.env, RAILCLONE_GATEWAY_DIR: join(dir, 'store'), RAILCLONE_LOG_LEVEL: 'warn' };
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
  try {
    const created = await promisify(execFile)(process.execPath, [cli, 'keys', 'create', '--name', 'bench', '--rate-limit', '100000'], { env });
    const key = (JSON.parse(created.stdout) as { key: string }).key;
    const gw = await startGatewayProcess(cli, env, process.env.BENCH_PROFILE ? dir : null);
    child = gw.child;
    const auth = { authorization: `Bearer ${key}` };
    const json = { 'content-type': 'application/json', ...auth };
    // History first: one finished clone (fails at preflight: the empty scenario has no source) and one
    // successful list-environments run, so estimates and polling read real records.
    const start = async (flow: string, body: unknown) =>
      (await (await fetch(`${gw.url}${BASE}/webhook/railclone/${flow}/k`, { method: 'POST', headers: json, body: JSON.stringify(body) })).json()) as { polling_url: string };
    const finished = await start('clone-staging-api', { client_name: 'bench', source_environment: 'does-not-exist' });
    await pollUntilDone(`${gw.url}${finished.polling_url}`, key);
    const listed = await start('list-environments', {});
    await pollUntilDone(`${gw.url}${listed.polling_url}`, key);

    const rows: Row[] = [];
    // Each request starts a real execution, run by the gateway process's local backend against its built-in
    // emulator (it ends at preflight: the source does not exist), so the 202 path competes with real runs.
    rows.push(await measure('202 start (clone, 400 runs)', { url: `${gw.url}${CLONE}`, method: 'POST', headers: json, body: JSON.stringify({ client_name: 'bench', source_environment: 'does-not-exist' }), amount: 400 }));
    await waitIdle(`${gw.url}${BASE}/railclone/clone-staging-api?state=CREATED,RUNNING&size=1`, key); // read-only endpoints run with no clone running
    rows.push(await measure('400 refused at validation (audited)', { url: `${gw.url}${CLONE}`, method: 'POST', headers: json, body: JSON.stringify({ client_name: '-invalid-' }), duration: SECONDS }));
    rows.push(await measure('401 wrong key (audited)', { url: `${gw.url}${finished.polling_url}`, headers: { authorization: `Bearer rck_000000000000_${'x'.repeat(43)}` }, duration: SECONDS }));
    rows.push(await measure('200 poll a finished clone', { url: `${gw.url}${finished.polling_url}`, headers: auth, duration: SECONDS }));
    rows.push(await measure('200 history (page of 25)', { url: `${gw.url}${BASE}/railclone/clone-staging-api?size=25`, headers: auth, duration: SECONDS }));

    const verify = await promisify(execFile)(process.execPath, [cli, 'audit', 'verify'], { env }).catch((e: { stdout: string }) => e);
    console.log(`${storeKind}: audit verify ${verify.stdout.trim()}`);
    return rows;
  } finally {
    if (child) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
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
    console.log(`\n${kind} store, ${CONNECTIONS} connections, gateway in its own process (node ${process.version})`);
    console.log('| endpoint | requests | statuses | p50 ms | p99 ms | own p50 ms | own p99 ms |\n| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.endpoint} | ${r.requests} | ${r.statuses} | ${r.p50} | ${r.p99} | ${r.ownP50.toFixed(2)} | ${r.ownP99.toFixed(2)} |`);
  }
} finally {
  await rm(buildDir, { recursive: true, force: true });
}
