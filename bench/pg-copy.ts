// Benchmark, run by hand:
//   npx tsx bench/pg-copy.ts [--shape wordpress|dominant|wide|multisite] [--size-mb 1024] [--jobs 2]
//     [--reuse] [--railclone-only] [--repeat N] [--split|--no-split]
// Generates a source of the given shape (./datasets/shapes-pg.ts), then in one run times: railclone
// (no rewrite, with rewrite), `pg_dump | psql`, `pg_dump -Fd -j | pg_restore -j` (files: its only parallel
// form), and `pgcopydb clone` when installed — same jobs. For the with-rewrite comparison the peers
// get a second pass: SQL `UPDATE … SET col = replace(col, old, new)` (not serialization-aware). The
// peers run the client binaries railclone picks (./pg-bin.ts).
// Every method runs once per round, --repeat rounds, each round starting one method later (best kept); each figure is printed with the
// 1-minute load average at its start, and the summary gives railclone's ratio to the fastest peer (goal ≤ 0.8), in wall
// seconds and in CPU seconds of all the processes of a run (see time()).
import { execSync, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { copyPostgres } from '../src/data/postgres/index.js';
import type { CopyReport } from '../src/data/types.js';
import { setLogLevel } from '../src/util/log.js';
import { loadavg } from 'node:os';
import { generateShapePg, SHAPES, type Shape } from './datasets/shapes-pg.js';
import { SITE } from './datasets/wordpress-pg.js';
import { usePgClientsOf } from './pg-bin.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const sizeMb = Number(arg('size-mb', '1024'));
const jobs = Number(arg('jobs', '2'));
const reuse = args.includes('--reuse');
/** Only the two railclone runs (no peers): for iterating on the engine. */
const railcloneOnly = args.includes('--railclone-only');
const repeat = Math.max(1, Number(arg('repeat', '1')));
const shape = arg('shape', 'wordpress') as Shape;
if (!SHAPES.includes(shape)) throw new Error(`--shape: expected ${SHAPES.join('|')}, got ${shape}`);
/** Default: railclone decides (splitPays); --split / --no-split force it. */
const split = args.includes('--split') ? true : args.includes('--no-split') ? false : undefined;
const HOST = arg('host-url', 'postgresql://postgres@127.0.0.1:5432');
const SRC = `bench_pgcopy_src_${shape}`;
let textColumns: Record<string, string[]> = {};
const load = () => loadavg()[0]?.toFixed(1) ?? '?';
// CPU seconds of every process doing a run's work — this process, the bench databases' backends,
// the peer tools started from here — sampled from /proc by ./cpu-sampler.mjs (its own process):
// the figure that still compares methods when a shared machine's load makes wall times noise.
// Not counted: the server's background processes (WAL writer, checkpointer), shared with others.
const sampler = spawn(
  process.execPath,
  [new URL('./cpu-sampler.mjs', import.meta.url).pathname, '--root', String(process.pid)],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const marks: ((l: string) => void)[] = [];
createInterface({ input: sampler.stdout }).on('line', (l) => marks.shift()?.(l));
function mark(): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    marks.push((l) => resolve((JSON.parse(l) as { cpu: Record<string, number> }).cpu));
    sampler.stdin.write('mark run\n');
  });
}
const OWN_DBS = new Set([`pg:${SRC}`, 'pg:bench_pgcopy_rc', 'pg:bench_pgcopy_peer']);
/** CPU seconds of the last `time()`d run. */
let lastCpu = NaN;
const NEW_SITE = 'https://staging-42.up.railway.app';
interface Result {
  name: string;
  seconds: number;
  /** CPU seconds of all the run's processes (best run). */
  cpu: number;
  note?: string;
}
setLogLevel('warn');

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: `${HOST}/postgres` });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
const url = (db: string) => `${HOST}/${db}`;
/** An empty target, and a checkpoint: no run pays for writing out the pages of the one before. */
const fresh = async (db: string) => {
  await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${db}`);
  await admin('CHECKPOINT');
  return url(db);
};
async function one<T>(db: string, sql: string): Promise<T> {
  const c = new pg.Client({ connectionString: url(db) });
  await c.connect();
  try {
    return (await c.query(sql)).rows[0] as T;
  } finally {
    await c.end();
  }
}
const sh = (cmd: string) => execSync(cmd, { stdio: ['ignore', 'ignore', 'inherit'], shell: '/bin/bash' });
async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  await mark();
  const c0 = process.cpuUsage();
  const t = Date.now();
  await fn();
  const seconds = (Date.now() - t) / 1000;
  const c = process.cpuUsage(c0);
  const groups = await mark();
  lastCpu = (c.user + c.system) / 1e6;
  for (const [g, v] of Object.entries(groups))
    if (OWN_DBS.has(g) || !(g.startsWith('pg') || g === 'mariadbd')) lastCpu += v;
  return seconds;
}
async function sqlRewrite(db: string): Promise<number> {
  return time(async () => {
    const c = new pg.Client({ connectionString: url(db) });
    await c.connect();
    try {
      for (const [table, cols] of Object.entries(textColumns)) {
        const set = cols.map(
          (col) =>
            `${col} = replace(replace(${col}, '${SITE}', '${NEW_SITE}'), '${SITE.replace(/\//g, '\\/')}', '${NEW_SITE.replace(/\//g, '\\/')}')`,
        );
        await c.query(`UPDATE ${table} SET ${set.join(', ')}`);
      }
    } finally {
      await c.end();
    }
  });
}

async function main(): Promise<void> {
  await usePgClientsOf(url('postgres'));
  console.log(
    `machine: ${execSync('nproc').toString().trim()} CPUs, load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )}; PostgreSQL ${(await one<{ v: string }>('postgres', "SELECT current_setting('server_version') AS v")).v}; shape ${shape}; jobs ${jobs}${split === undefined ? '' : split ? '; --split' : '; --no-split'}`,
  );
  const exists =
    reuse &&
    (
      await one<{ n: number }>(
        'postgres',
        `SELECT count(*)::int AS n FROM pg_database WHERE datname = '${SRC}'`,
      )
    ).n > 0;
  if (!exists) {
    await fresh(SRC);
    const g = await time(async () => {
      textColumns = (await generateShapePg(url(SRC), shape, sizeMb)).textColumns;
    });
    console.log(`generated source in ${g.toFixed(1)} s`);
  } else {
    // Same shape, same columns: regenerate the description only (cheap: the tables exist).
    textColumns = await describeColumns();
  }
  const size = await one<{ db: string; data: string }>(
    SRC,
    `SELECT pg_database_size(current_database())::text AS db,
            (SELECT sum(pg_table_size(oid))::text FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace) AS data`,
  );
  console.log(
    `source: database ${(Number(size.db) / 1e6).toFixed(0)} MB, tables (heap + TOAST) ${(Number(size.data) / 1e6).toFixed(0)} MB`,
  );

  // Interleaved rounds: every method runs once per round (railclone plain and with rewrite, each
  // peer, each peer's UPDATE pass right after its copy), best of --repeat kept per method. Noise on
  // this machine comes and goes over minutes; interleaving spreads it over all methods alike.
  const hasPgcopydb = !railcloneOnly && spawnSync('pgcopydb', ['--version']).status === 0;
  if (!railcloneOnly && !hasPgcopydb)
    console.log('pgcopydb: not installed (apt-get install -y pgcopydb), skipped');
  const pgcopydbVersion = hasPgcopydb
    ? (execSync('pgcopydb --version 2>&1')
        .toString()
        .match(/\d+\.\d+\S*/)?.[0] ?? '?')
    : '';
  const bestOf = new Map<string, Result>();
  const keep = (name: string, seconds: number, cpu: number, loadAtStart: string, note?: string) => {
    console.log(`  ${name}: ${seconds.toFixed(1)} s, CPU ${cpu.toFixed(1)} s (load ${loadAtStart})`);
    const was = bestOf.get(name);
    const faster = !was || seconds < was.seconds;
    bestOf.set(name, {
      name,
      seconds: faster ? seconds : was.seconds,
      cpu: Math.min(cpu, was?.cpu ?? Infinity),
      ...((faster ? note : was.note) ? { note: (faster ? note : was.note) as string } : {}),
    });
  };
  let volume = 0; // COPY bytes of the whole dataset (binary where railclone used it): the numerator for MB/s
  const railclone = async (rewrite: boolean) => {
    const target = await fresh('bench_pgcopy_rc');
    const l = load();
    let r: CopyReport | undefined;
    const seconds = await time(async () => {
      r = await copyPostgres({
        source: url(SRC),
        target,
        jobs,
        ...(split === undefined ? {} : { splitTables: split }),
        ...(rewrite ? { rewrite: [{ from: SITE, to: NEW_SITE }] } : {}),
      });
    });
    const report = r as CopyReport;
    if (!rewrite) volume = report.totalBytes;
    keep(
      rewrite ? 'railclone (with rewrite)' : 'railclone (no rewrite)',
      report.durationMs / 1000 || seconds,
      lastCpu,
      l,
      rewrite ? `${report.rewrittenValues} values rewritten in flight` : undefined,
    );
  };
  /** A peer's copy, then (when it has a rewrite row) its UPDATE pass on the copy it made. */
  const peer = async (name: string, copy: () => Promise<unknown> | unknown, rewriteName?: string) => {
    await fresh('bench_pgcopy_peer');
    const l = load();
    const seconds = await time(copy);
    const cpu = lastCpu;
    keep(name, seconds, cpu, l);
    if (!rewriteName) return;
    const upd = await sqlRewrite('bench_pgcopy_peer');
    keep(rewriteName, seconds + upd, cpu + lastCpu, l, `UPDATE pass ${upd.toFixed(1)} s`);
  };
  const methods: (() => Promise<void>)[] = [() => railclone(false), () => railclone(true)];
  if (!railcloneOnly) {
    methods.push(() =>
      peer(
        'pg_dump | psql',
        () =>
          sh(
            `pg_dump --no-owner --no-privileges ${url(SRC)} | psql -X -q -v ON_ERROR_STOP=1 ${url('bench_pgcopy_peer')}`,
          ),
        'pg_dump | psql + UPDATE replace()',
      ),
    );
    methods.push(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
      try {
        await peer(`pg_dump -Fd -j${jobs} + pg_restore -j${jobs} (files)`, () => {
          sh(`pg_dump -Fd -j ${jobs} -Z0 --no-owner --no-privileges -f ${dir}/d ${url(SRC)}`);
          sh(`pg_restore -j ${jobs} --no-owner --no-privileges -d ${url('bench_pgcopy_peer')} ${dir}/d`);
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    if (hasPgcopydb)
      methods.push(async () => {
        const work = mkdtempSync(join(tmpdir(), 'pgcopydb-'));
        try {
          await peer(
            `pgcopydb clone (${pgcopydbVersion})`,
            () =>
              sh(
                `pgcopydb clone --source ${url(SRC)} --target ${url('bench_pgcopy_peer')} --table-jobs ${jobs} --index-jobs ${jobs} --no-owner --no-acl --dir ${work}/w --notice >/dev/null 2>&1`,
              ),
            'pgcopydb clone + UPDATE replace()',
          );
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      });
  }
  // Each round starts one method later, so no method always runs after the same one.
  for (let k = 0; k < repeat; k++) {
    console.log(`round ${k + 1} of ${repeat}`);
    for (let m = 0; m < methods.length; m++)
      await (methods[(m + k) % methods.length] as () => Promise<void>)();
  }
  const bestNote = repeat > 1 ? `best of ${repeat}` : undefined;
  const results = [...bestOf.values()].map((r) => ({
    ...r,
    ...(bestNote ? { note: r.note ? `${r.note}, ${bestNote}` : bestNote } : {}),
  }));
  report(results, volume);
}

function report(results: Result[], volume: number): void {
  console.log(
    `\ncommand: npx tsx bench/pg-copy.ts ${args.join(' ')}\nshape ${shape}; data volume (railclone's COPY bytes): ${(volume / 1e6).toFixed(0)} MB; jobs ${jobs}; load now ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}\n`,
  );
  // Plain runs are compared with the fastest plain peer, rewrite runs with the fastest peer + UPDATE pass;
  // CPU the same way, with the lowest CPU among those peers.
  const isRewrite = (r: { name: string }) => r.name.includes('replace()') || r.name.includes('with rewrite');
  const isPeer = (r: { name: string }) => !r.name.startsWith('railclone');
  const fastest = (rw: boolean, k: 'seconds' | 'cpu') =>
    Math.min(...results.filter((r) => isPeer(r) && isRewrite(r) === rw).map((r) => r[k]));
  if (results.some(isPeer)) {
    const rc = results.find((r) => r.name === 'railclone (no rewrite)');
    const rw = results.find((r) => r.name === 'railclone (with rewrite)');
    const ratio = (r: Result | undefined, k: 'seconds' | 'cpu') =>
      r ? (r[k] / fastest(isRewrite(r), k)).toFixed(2) : 'n/a';
    console.log(
      `railclone / fastest peer: plain ${ratio(rc, 'seconds')}x (CPU ${ratio(rc, 'cpu')}x), with rewrite ${ratio(rw, 'seconds')}x (CPU ${ratio(rw, 'cpu')}x) (goal ≤ 0.80x)`,
    );
  }
  console.log(
    `${'run'.padEnd(46)} ${'seconds'.padStart(8)} ${'vs fastest'.padStart(11)} ${'CPU s'.padStart(7)} ${'vs lowest'.padStart(10)}`,
  );
  for (const r of results) {
    const has = results.some(isPeer);
    const vs = (k: 'seconds' | 'cpu') => (has ? `${(r[k] / fastest(isRewrite(r), k)).toFixed(2)}x` : '-');
    console.log(
      `${r.name.padEnd(46)} ${r.seconds.toFixed(1).padStart(8)} ${vs('seconds').padStart(11)} ${r.cpu.toFixed(1).padStart(7)} ${vs('cpu').padStart(10)}${r.note ? `  (${r.note})` : ''}`,
    );
  }
}

/** Text columns of the existing source (for --reuse): every text/varchar column of every table. */
async function describeColumns(): Promise<Record<string, string[]>> {
  const c = new pg.Client({ connectionString: url(SRC) });
  await c.connect();
  try {
    const { rows } = await c.query<{ t: string; col: string }>(
      `SELECT table_name AS t, column_name AS col FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying') ORDER BY 1, ordinal_position`,
    );
    const out: Record<string, string[]> = {};
    for (const r of rows) (out[r.t] ??= []).push(r.col);
    return out;
  } finally {
    await c.end();
  }
}

async function cleanup(): Promise<void> {
  if (!args.includes('--keep')) {
    for (const db of ['bench_pgcopy_rc', 'bench_pgcopy_peer'])
      await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
}

main()
  .then(cleanup)
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => sampler.stdin.end());
