// Benchmark, run by hand:
//   npx tsx bench/pg-copy.ts [--shape wordpress|dominant|wide|multisite] [--size-mb 1024] [--jobs 2]
//     [--reuse] [--railclone-only] [--repeat N] [--split|--no-split]
// Generates a source of the given shape (./datasets/shapes-pg.ts), then in one run times: railclone
// (no rewrite, with rewrite), `pg_dump | psql`, `pg_dump -Fd -j | pg_restore -j` (files: its only parallel
// form), and `pgcopydb clone` when installed — same jobs. For the with-rewrite comparison the peers
// get a second pass: SQL `UPDATE … SET col = replace(col, old, new)` (not serialization-aware). The
// peers run the client binaries railclone picks (./pg-bin.ts).
// Every method runs --repeat times (best kept); each figure is printed with the 1-minute load average
// at its start, and the summary gives railclone's ratio to the fastest peer (goal ≤ 0.8), in wall
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
/** Lowest CPU seconds over the runs of the last `best()`. */
let bestCpu = NaN;
/** Best of --repeat, each run printed with the load average at its start. */
async function best(label: string, fn: () => Promise<number>): Promise<number> {
  let min = Infinity;
  bestCpu = Infinity;
  for (let k = 0; k < repeat; k++) {
    const l = load();
    const s = await fn();
    console.log(`  ${label}: ${s.toFixed(1)} s, CPU ${lastCpu.toFixed(1)} s (load ${l})`);
    min = Math.min(min, s);
    bestCpu = Math.min(bestCpu, lastCpu);
  }
  return min;
}
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
const fresh = async (db: string) => {
  await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${db}`);
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

  const results: Result[] = [];

  // Alternating runs (best of --repeat each): the machine may be shared, so one run can be unlucky.
  let plain = Infinity;
  let plainCpu = Infinity;
  let rewritten = { seconds: Infinity, values: 0 };
  let rewrittenCpu = Infinity;
  let volume = 0; // COPY bytes of the whole dataset (binary where railclone used it): the numerator for MB/s
  // CPU seconds of railclone and both servers' backends per run (see time()).
  const run = async (fn: () => Promise<CopyReport>): Promise<[CopyReport, number]> => {
    let r: CopyReport | undefined;
    await time(async () => {
      r = await fn();
    });
    return [r as CopyReport, lastCpu];
  };
  for (let k = 0; k < repeat; k++) {
    const t1 = await fresh('bench_pgcopy_rc');
    const l1 = load();
    const [r1, c1] = await run(() =>
      copyPostgres({
        source: url(SRC),
        target: t1,
        jobs,
        ...(split === undefined ? {} : { splitTables: split }),
      }),
    );
    volume = r1.totalBytes;
    plain = Math.min(plain, r1.durationMs / 1000);
    plainCpu = Math.min(plainCpu, c1);
    const t2 = await fresh('bench_pgcopy_rc');
    const l2 = load();
    const [r2, c2] = await run(() =>
      copyPostgres({
        source: url(SRC),
        target: t2,
        jobs,
        ...(split === undefined ? {} : { splitTables: split }),
        rewrite: [{ from: SITE, to: NEW_SITE }],
      }),
    );
    if (r2.durationMs / 1000 < rewritten.seconds)
      rewritten = { seconds: r2.durationMs / 1000, values: r2.rewrittenValues };
    rewrittenCpu = Math.min(rewrittenCpu, c2);
    console.log(
      `run ${k + 1}: no rewrite ${(r1.durationMs / 1000).toFixed(1)} s (CPU ${c1.toFixed(1)} s, load ${l1}), ` +
        `with rewrite ${(r2.durationMs / 1000).toFixed(1)} s (CPU ${c2.toFixed(1)} s, load ${l2})`,
    );
  }
  const best = repeat > 1 ? `, best of ${repeat}` : '';
  results.push({
    name: 'railclone (no rewrite)',
    seconds: plain,
    cpu: plainCpu,
    ...(best ? { note: best.slice(2) } : {}),
  });
  results.push({
    name: 'railclone (with rewrite)',
    seconds: rewritten.seconds,
    cpu: rewrittenCpu,
    note: `${rewritten.values} values rewritten in flight${best}`,
  });

  if (!railcloneOnly) await peers(results);
  report(results, volume);
}

async function peers(results: Result[]): Promise<void> {
  const dumpPsql = await best('pg_dump | psql', async () => {
    await fresh('bench_pgcopy_peer');
    return time(() =>
      sh(
        `pg_dump --no-owner --no-privileges ${url(SRC)} | psql -X -q -v ON_ERROR_STOP=1 ${url('bench_pgcopy_peer')}`,
      ),
    );
  });
  const dumpPsqlCpu = bestCpu;
  results.push({ name: 'pg_dump | psql', seconds: dumpPsql, cpu: dumpPsqlCpu });
  const upd = await sqlRewrite('bench_pgcopy_peer');
  results.push({
    name: 'pg_dump | psql + UPDATE replace()',
    seconds: dumpPsql + upd,
    cpu: dumpPsqlCpu + lastCpu,
    note: `UPDATE pass ${upd.toFixed(1)} s`,
  });

  const dr = await best(`pg_dump -Fd -j${jobs} + pg_restore -j${jobs}`, async () => {
    await fresh('bench_pgcopy_peer');
    const dir = mkdtempSync(join(tmpdir(), 'pgbench-'));
    try {
      return await time(() => {
        sh(`pg_dump -Fd -j ${jobs} -Z0 --no-owner --no-privileges -f ${dir}/d ${url(SRC)}`);
        sh(`pg_restore -j ${jobs} --no-owner --no-privileges -d ${url('bench_pgcopy_peer')} ${dir}/d`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  results.push({ name: `pg_dump -Fd -j${jobs} + pg_restore -j${jobs} (files)`, seconds: dr, cpu: bestCpu });

  const hasPgcopydb = spawnSync('pgcopydb', ['--version']).status === 0;
  if (hasPgcopydb) {
    const s = await best('pgcopydb clone', async () => {
      await fresh('bench_pgcopy_peer');
      const work = mkdtempSync(join(tmpdir(), 'pgcopydb-'));
      try {
        return await time(() =>
          sh(
            `pgcopydb clone --source ${url(SRC)} --target ${url('bench_pgcopy_peer')} --table-jobs ${jobs} --index-jobs ${jobs} --no-owner --no-acl --dir ${work}/w --notice >/dev/null 2>&1`,
          ),
        );
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
    {
      const pgcopydbCpu = bestCpu;
      results.push({
        cpu: pgcopydbCpu,
        name: `pgcopydb clone (${
          execSync('pgcopydb --version 2>&1')
            .toString()
            .match(/\d+\.\d+\S*/)?.[0] ?? '?'
        })`,
        seconds: s,
      });
      const u = await sqlRewrite('bench_pgcopy_peer');
      results.push({
        name: 'pgcopydb clone + UPDATE replace()',
        seconds: s + u,
        cpu: pgcopydbCpu + lastCpu,
        note: `UPDATE pass ${u.toFixed(1)} s`,
      });
    }
  } else {
    console.log('pgcopydb: not installed (apt-get install -y pgcopydb), skipped');
  }
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
