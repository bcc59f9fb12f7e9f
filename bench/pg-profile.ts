// Where a PostgreSQL copy's time goes, by hand (after bench/pg-copy.ts generated the source; --keep
// is not needed, the source database stays):
//   npx tsx bench/pg-profile.ts [--shape dominant] [--jobs 2] [--repeat 2] [--methods railclone,dump-psql]
//     [--railclone-env K=V,…]
// Per method and phase: wall seconds and CPU seconds of every process that does the work — this
// process (railclone), the source and target backends (by database), the server's background
// processes (WAL writer, checkpointer), pg_dump / psql / pg_restore / pgcopydb — sampled from
// /proc by ./cpu-sampler.mjs (its own process). Phases: railclone's own (its debug log);
// `pg_dump | psql` is run per section (pre-data, data, post-data) to get the same split.
// Methods run interleaved, --repeat rounds; the load average is printed with each run.
import { spawn, execSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import pg from 'pg';
import { copyPostgres } from '../src/data/postgres/index.js';
import { setLogLevel, setLogSink } from '../src/util/log.js';
import { SITE } from './datasets/wordpress-pg.js';
import { usePgClientsOf } from './pg-bin.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const shape = arg('shape', 'dominant');
const jobs = Number(arg('jobs', '2'));
const repeat = Number(arg('repeat', '1'));
const methods = arg('methods', 'railclone,dump-psql').split(',');
const HOST = arg('host-url', 'postgresql://postgres@127.0.0.1:5432');
const SRC = `bench_pgcopy_src_${shape}`;
const DST = 'bench_pgprof_dst';
const url = (db: string) => `${HOST}/${db}`;

const sampler = spawn(process.execPath, [new URL('./cpu-sampler.mjs', import.meta.url).pathname], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const marks: ((l: string) => void)[] = [];
createInterface({ input: sampler.stdout }).on('line', (l) => marks.shift()?.(l));
function mark(name: string): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    marks.push((l) => resolve((JSON.parse(l) as { cpu: Record<string, number> }).cpu));
    sampler.stdin.write(`mark ${name}\n`);
  });
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url('postgres') });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}
const fresh = async () => {
  await admin(`DROP DATABASE IF EXISTS ${DST} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DST}`);
};
const sh = (cmd: string) =>
  new Promise<void>((resolve, reject) => {
    const p = spawn('bash', ['-o', 'pipefail', '-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`${cmd} exited ${c}`))));
  });

interface Phase {
  name: string;
  wall: number;
  cpu: Record<string, number>;
}

function print(label: string, phases: Phase[], load: string): void {
  const groups = [...new Set(phases.flatMap((p) => Object.keys(p.cpu)))].sort();
  const name = (g: string) => (g === `pg:${SRC}` ? 'src backends' : g === `pg:${DST}` ? 'dst backends' : g);
  const shown = groups.filter((g) => !g.startsWith('pg:') || g === `pg:${SRC}` || g === `pg:${DST}`);
  console.log(`\n${label} (load ${load})`);
  console.log(
    `  ${'phase'.padEnd(12)} ${'wall s'.padStart(7)}  ${shown.map((g) => name(g).padStart(13)).join(' ')}`,
  );
  const total: Phase = { name: 'total', wall: 0, cpu: {} };
  for (const p of phases) {
    total.wall += p.wall;
    for (const [g, v] of Object.entries(p.cpu)) total.cpu[g] = (total.cpu[g] ?? 0) + v;
  }
  for (const p of [...phases, total])
    console.log(
      `  ${p.name.padEnd(12)} ${p.wall.toFixed(2).padStart(7)}  ${shown.map((g) => (p.cpu[g] ?? 0).toFixed(2).padStart(13)).join(' ')}`,
    );
}

/** `railclone[-rewrite][-split|-nosplit][-text]` (no split suffix: railclone decides). */
async function railclone(method: string): Promise<Phase[]> {
  const rewrite = method.includes('-rewrite');
  const splitTables = method.includes('-nosplit') ? false : method.includes('-split') ? true : undefined;
  const binaryCopy = !method.includes('-text');
  const phases: Phase[] = [];
  let last = 0;
  let c0 = process.cpuUsage();
  const pending: Promise<void>[] = [];
  setLogSink(({ message }) => {
    const m = /^(.+) done at (\d+) ms$/.exec(message);
    if (!m) return;
    const at = Number(m[2]);
    const c = process.cpuUsage(c0);
    c0 = process.cpuUsage();
    const wall = (at - last) / 1000;
    last = at;
    pending.push(
      mark(m[1] as string).then((cpu) => {
        phases.push({ name: m[1] as string, wall, cpu: { ...cpu, railclone: (c.user + c.system) / 1e6 } });
      }),
    );
  });
  setLogLevel('debug');
  const t = Date.now();
  await copyPostgres({
    source: url(SRC),
    target: url(DST),
    jobs,
    ...(splitTables === undefined ? {} : { splitTables }),
    binaryCopy,
    ...(rewrite ? { rewrite: [{ from: SITE, to: 'https://staging-42.up.railway.app' }] } : {}),
  });
  const c = process.cpuUsage(c0);
  const wall = (Date.now() - t - last) / 1000;
  pending.push(
    mark('rest').then((cpu) => {
      phases.push({ name: 'rest', wall, cpu: { ...cpu, railclone: (c.user + c.system) / 1e6 } });
    }),
  );
  await Promise.all(pending);
  setLogLevel('warn');
  setLogSink(null);
  return phases;
}

async function dumpPsql(): Promise<Phase[]> {
  const phases: Phase[] = [];
  for (const section of ['pre-data', 'data', 'post-data']) {
    const t = Date.now();
    await sh(
      `pg_dump --no-owner --no-privileges --section=${section} ${url(SRC)} | psql -X -q -v ON_ERROR_STOP=1 ${url(DST)}`,
    );
    phases.push({ name: section, wall: (Date.now() - t) / 1000, cpu: await mark(section) });
  }
  return phases;
}

/** The floor: each table by `psql COPY TO | psql COPY FROM` in the given format, FREEZE, one at a time. */
async function psqlCopy(format: 'text' | 'binary'): Promise<Phase[]> {
  let t = Date.now();
  await sh(`pg_dump --section=pre-data ${url(SRC)} | psql -X -q -v ON_ERROR_STOP=1 ${url(DST)}`);
  const phases: Phase[] = [{ name: 'pre-data', wall: (Date.now() - t) / 1000, cpu: await mark('pre') }];
  const c = new pg.Client({ connectionString: url(SRC) });
  await c.connect();
  const { rows } = await c
    .query<{ t: string }>(
      `SELECT relname AS t FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`,
    )
    .finally(() => c.end());
  t = Date.now();
  for (const { t: table } of rows)
    await sh(
      `psql -X -q ${url(SRC)} -c "COPY ${table} TO STDOUT (FORMAT ${format})" | psql -X -q -v ON_ERROR_STOP=1 ${url(DST)} -c BEGIN -c "TRUNCATE ${table}" -c "COPY ${table} FROM STDIN (FORMAT ${format}, FREEZE)" -c COMMIT`,
    );
  phases.push({ name: 'data', wall: (Date.now() - t) / 1000, cpu: await mark('data') });
  return phases;
}

async function main(): Promise<void> {
  await usePgClientsOf(url('postgres'));
  console.log(
    `${execSync('nproc').toString().trim()} CPUs; shape ${shape}; jobs ${jobs}; source ${SRC}; CPU seconds per process group`,
  );
  for (let k = 0; k < repeat; k++) {
    for (const m of methods) {
      await fresh();
      await mark('idle');
      const load = loadavg()[0]?.toFixed(1) ?? '?';
      const phases = m.startsWith('railclone')
        ? await railclone(m)
        : m === 'dump-psql'
          ? await dumpPsql()
          : m === 'psql-text' || m === 'psql-binary'
            ? await psqlCopy(m.slice(5) as 'text' | 'binary')
            : [];
      if (phases.length === 0)
        throw new Error(
          `--methods: unknown ${m} (railclone[-rewrite][-split|-nosplit][-text]|dump-psql|psql-text|psql-binary)`,
        );
      print(`${m} run ${k + 1}`, phases, load);
    }
  }
  await admin(`DROP DATABASE IF EXISTS ${DST} WITH (FORCE)`);
  sampler.stdin.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
  sampler.stdin.end();
});
