// MySQL/MariaDB copy benchmark, by hand:
//   npx tsx bench/mysql-copy.ts [--shape wordpress|dominant|wide|multisite] [--size-mb 1024] [--jobs 2] [--reuse] [--keep]
//     [--railclone-only] [--repeat N] [--only plain|rewrite] [--no-split] [--no-defer-keys]
// Each figure is printed with the 1-minute load average at its start. --repeat N runs N rounds of
// every method, interleaved, each round starting one method later (best of N per method); --railclone-only skips the peers; --only runs one
// of the two railclone copies (for `node --cpu-prof`).
// One WordPress-shaped source, then in one run: railclone without and with rewrite,
// `mariadb-dump | mariadb`, mydumper + myloader (if installed) with the same threads, and the peers'
// rewrite as a second pass (UPDATE … REPLACE(), which breaks serialized lengths).
// Throughput = source size (data + indexes, information_schema) / wall time.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { copyMysql } from '../src/data/mysql/index.js';
import { setLogLevel } from '../src/util/log.js';
import { loadavg } from 'node:os';
import { generateShapeMysql, SHAPES, type Shape, type TextColumns } from './datasets/shapes-mysql.js';
import { brokenSerializedSql, generateWordpress, PROD_URL } from './datasets/wordpress-mysql.js';

const args = process.argv.slice(2);
const flag = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : def;
};
const sizeMb = Number(flag('size-mb', '1024'));
const jobs = Number(flag('jobs', '2'));
const reuse = args.includes('--reuse');
const keep = args.includes('--keep');
const railcloneOnly = args.includes('--railclone-only');
const repeat = Math.max(1, Number(flag('repeat', '1')));
const only = flag('only', '');
if (only !== '' && only !== 'plain' && only !== 'rewrite')
  throw new Error(`--only: expected plain or rewrite, got ${only}`);
const shape = flag('shape', 'wordpress') as Shape;
if (!SHAPES.includes(shape)) throw new Error(`--shape: expected ${SHAPES.join('|')}, got ${shape}`);
const splitTables = !args.includes('--no-split');
const deferKeys = !args.includes('--no-defer-keys');
const load = () => loadavg()[0]?.toFixed(1) ?? '?';
const HOST = process.env.BENCH_MYSQL_HOST ?? '127.0.0.1';
const PORT = Number(process.env.BENCH_MYSQL_PORT ?? 3306);
const USER = process.env.BENCH_MYSQL_USER ?? 'root';
const NEW_URL = 'https://staging-bench.example.net';
const SRC = shape === 'wordpress' ? 'mysqlbench_src' : `mysqlbench_src_${shape}`;
const WP_COLUMNS: TextColumns = {
  wp_posts: ['post_content', 'guid'],
  wp_postmeta: ['meta_value'],
  wp_options: ['option_value'],
  wp_comments: ['comment_author_url'],
  wp_users: ['user_url'],
};
let textColumns: TextColumns = WP_COLUMNS;
const url = (db: string) => `mysql://${USER}@${HOST}:${PORT}/${db}`;
const cli = (bin: string) => [bin, '-h', HOST, '-P', String(PORT), '-u', USER];
setLogLevel('warn');

const server = await mysql.createConnection({ host: HOST, port: PORT, user: USER, multipleStatements: true });
const fresh = async (db: string) => {
  await server.query(`DROP DATABASE IF EXISTS \`${db}\`; CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4`);
};
const count = async (db: string, sql: string) => {
  const [rows] = await server.query({ sql: `USE \`${db}\`; ${sql}`, rowsAsArray: true });
  return Number(((rows as unknown[][][])[1]?.[0] as unknown[])[0]);
};

function sh(cmd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', ['-o', 'pipefail', '-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd.slice(0, 80)}… exited ${code}`)),
    );
  });
}

// Every method starts on a settled server: the dirty pages of the previous step written out (the
// page cleaner is told to write them all, then set back), or at least no longer falling (a shared
// server may never reach zero). Otherwise a run pays for the flushing of the load before it.
async function settle(): Promise<void> {
  const dirty = async () => {
    const [rows] = await server.query<mysql.RowDataPacket[]>(
      `SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'`,
    );
    return Number(rows[0]?.Value ?? 0);
  };
  const [[pct]] = await server.query<mysql.RowDataPacket[]>(
    'SELECT @@GLOBAL.innodb_max_dirty_pages_pct AS v',
  );
  await server.query('SET GLOBAL innodb_max_dirty_pages_pct = 0');
  try {
    const until = Date.now() + 20_000;
    let last = await dirty();
    while (last >= 200 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      const now = await dirty();
      if (now >= last * 0.95) return;
      last = now;
    }
  } finally {
    await server.query(`SET GLOBAL innodb_max_dirty_pages_pct = ${Number(pct?.v)}`);
  }
}

async function timed(label: string, fn: () => Promise<unknown>): Promise<number> {
  await settle();
  const l = load();
  const t = Date.now();
  await fn();
  const s = (Date.now() - t) / 1000;
  console.log(`  ${label}: ${s.toFixed(1)} s (load ${l})`);
  return s;
}

// --- dataset ---
const [exists] = await server.query<mysql.RowDataPacket[]>(
  `SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?`,
  [SRC],
);
if (!reuse || Number(exists[0]?.n) === 0) {
  await fresh(SRC);
  const gen = await mysql.createConnection({
    host: HOST,
    port: PORT,
    user: USER,
    database: SRC,
    multipleStatements: true,
  });
  const t = Date.now();
  if (shape === 'wordpress') {
    const info = await generateWordpress(gen, sizeMb, (m) => console.log(`  ${m}`));
    console.log(
      `dataset: ${info.posts} posts, ${info.postmeta} postmeta, ${info.comments} comments in ${((Date.now() - t) / 1000).toFixed(0)} s`,
    );
  } else {
    await generateShapeMysql(gen, shape, sizeMb);
    console.log(`dataset: ${shape} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  await gen.end();
}
if (shape === 'wordpress')
  await server.query(
    `USE \`${SRC}\`; ANALYZE TABLE wp_posts, wp_postmeta, wp_comments, wp_options, wp_users`,
  );
else {
  // Every text column of the source: what the peers' REPLACE() pass rewrites.
  const [cols] = await server.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?
      AND DATA_TYPE IN ('varchar', 'text', 'longtext', 'mediumtext') ORDER BY 1, ORDINAL_POSITION`,
    [SRC],
  );
  textColumns = {};
  for (const r of cols) (textColumns[String(r.t)] ??= []).push(String(r.c));
}
const [sz] = await server.query<mysql.RowDataPacket[]>(
  `SELECT SUM(DATA_LENGTH) AS d, SUM(INDEX_LENGTH) AS i FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`,
  [SRC],
);
const sourceBytes = Number(sz[0]?.d) + Number(sz[0]?.i);
const mb = sourceBytes / 1e6;
console.log(
  `shape ${shape}; source: ${mb.toFixed(0)} MB (data ${(Number(sz[0]?.d) / 1e6).toFixed(0)} MB + indexes ${(Number(sz[0]?.i) / 1e6).toFixed(0)} MB); jobs/threads = ${jobs}` +
    `${splitTables ? '' : '; --no-split'}${deferKeys ? '' : '; --no-defer-keys'}; load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
);
console.log(`server: ${spawnSync('mariadb', ['--version']).stdout.toString().trim()}`);

const results: { name: string; seconds: number; note?: string }[] = [];

// Interleaved rounds: each method once per round (railclone plain, with rewrite, each peer and the
// peers' REPLACE() pass right after their copy), best of --repeat kept per method. Noise on this
// machine comes and goes over minutes; interleaving spreads it over all methods alike.
let rcReport: Awaited<ReturnType<typeof copyMysql>> | undefined;
let rwReport: Awaited<ReturnType<typeof copyMysql>> | undefined;
let plain = Infinity;
let withRw = Infinity;
let rwBroken = 0;
/** One railclone copy; CPU seconds of this (railclone) process printed with it. */
async function railclone(rewrite: boolean): Promise<string> {
  const db = rewrite ? 'mysqlbench_rcrw' : 'mysqlbench_rc';
  await fresh(db);
  const c0 = process.cpuUsage();
  const s = await timed(rewrite ? 'railclone + rewrite' : 'railclone', async () => {
    const r = await copyMysql({
      source: url(SRC),
      target: url(db),
      jobs,
      splitTables,
      deferKeys,
      ...(rewrite ? { rewrite: [{ from: PROD_URL, to: NEW_URL }] } : {}),
    });
    if (rewrite) rwReport = r;
    else rcReport = r;
  });
  const c = process.cpuUsage(c0);
  if (rewrite) {
    withRw = Math.min(withRw, s);
    rwBroken = shape === 'wordpress' ? await count(db, brokenSerializedSql()) : 0;
  } else plain = Math.min(plain, s);
  await fresh(db);
  return `${rewrite ? 'with' : 'no'} rewrite ${s.toFixed(1)} s (railclone CPU ${((c.user + c.system) / 1e6).toFixed(1)} s)`;
}

const dump = [
  ...cli('mariadb-dump'),
  '--single-transaction',
  '--quick',
  '--routines',
  '--triggers',
  SRC,
].join(' ');
const hasMydumper = spawnSync('mydumper', ['--version']).status === 0;
let dumpBest = { copy: Infinity, pass: Infinity, broken: 0 };
let myBest = { d: Infinity, l: Infinity };
/** `mariadb-dump | mariadb`, then the peers' rewrite: a second pass over the copy. */
async function dumpPeer(): Promise<void> {
  await fresh('mysqlbench_dump');
  const copy = await timed('mariadb-dump | mariadb', () =>
    sh(`${dump} | ${[...cli('mariadb'), 'mysqlbench_dump'].join(' ')}`),
  );
  const q = (x: string) => server.escape(x);
  const rep = (col: string) => `${col} = REPLACE(${col}, ${q(PROD_URL)}, ${q(NEW_URL)})`;
  const pass = await timed('second pass UPDATE … REPLACE()', () =>
    server.query(
      `USE mysqlbench_dump; ${Object.entries(textColumns)
        .map(([t, cols]) => `UPDATE \`${t}\` SET ${cols.map((c) => rep(`\`${c}\``)).join(', ')}`)
        .join('; ')}`,
    ),
  );
  const broken = shape === 'wordpress' ? await count('mysqlbench_dump', brokenSerializedSql()) : 0;
  if (copy < dumpBest.copy) dumpBest = { ...dumpBest, copy };
  if (pass < dumpBest.pass) dumpBest = { ...dumpBest, pass, broken };
  await fresh('mysqlbench_dump');
}
/** mydumper to local files, then myloader from them, same threads. */
async function mydumperPeer(): Promise<void> {
  await fresh('mysqlbench_myl');
  const dir = mkdtempSync(join(tmpdir(), 'mysqlbench-'));
  try {
    const d = await timed('mydumper', () =>
      sh(
        `${cli('mydumper').join(' ')} -B ${SRC} -t ${jobs} -r 100000 --trx-consistency-only -G -R -o ${dir}/dump`,
      ),
    );
    const l = await timed('myloader', () =>
      sh(`${cli('myloader').join(' ')} -B mysqlbench_myl -t ${jobs} -o -d ${dir}/dump`),
    );
    if (d + l < myBest.d + myBest.l) myBest = { d, l };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await fresh('mysqlbench_myl');
  }
}

const methods: (() => Promise<unknown>)[] = [];
if (only !== 'rewrite') methods.push(async () => console.log(`  ${await railclone(false)}`));
if (only !== 'plain') methods.push(async () => console.log(`  ${await railclone(true)}`));
if (!railcloneOnly) methods.push(dumpPeer);
if (!railcloneOnly && hasMydumper) methods.push(mydumperPeer);
// Each round starts one method later, so no method always runs after the same one (the one before
// decides what is left in the buffer pool).
for (let k = 0; k < repeat; k++) {
  console.log(`round ${k + 1} of ${repeat}`);
  for (let m = 0; m < methods.length; m++)
    await (methods[(m + k) % methods.length] as () => Promise<unknown>)();
}
const best = repeat > 1 ? `best of ${repeat}` : '';
const withBest = (note: string) => (best ? `${note}, ${best}` : note);
if (only !== 'rewrite')
  results.push({ name: 'railclone (no rewrite)', seconds: plain, ...(best ? { note: best } : {}) });
if (only !== 'plain')
  results.push({
    name: 'railclone + rewrite in flight',
    seconds: withRw,
    note: withBest(`${rwReport?.rewrittenValues} values rewritten, ${rwBroken} broken serialized`),
  });
if (Number.isFinite(plain) && Number.isFinite(withRw))
  console.log(
    `rewrite cost: ${withRw.toFixed(1)} s vs ${plain.toFixed(1)} s = +${((withRw / plain - 1) * 100).toFixed(0)}%`,
  );
if (!railcloneOnly) {
  results.push({ name: 'mariadb-dump \\| mariadb', seconds: dumpBest.copy, ...(best ? { note: best } : {}) });
  results.push({
    name: 'mariadb-dump \\| mariadb + REPLACE() pass',
    seconds: dumpBest.copy + dumpBest.pass,
    note: withBest(`pass alone ${dumpBest.pass.toFixed(1)} s, ${dumpBest.broken} broken serialized`),
  });
  results.push(
    hasMydumper
      ? {
          name: `mydumper + myloader (-t ${jobs}, local files)`,
          seconds: myBest.d + myBest.l,
          note: withBest(`dump ${myBest.d.toFixed(1)} s + load ${myBest.l.toFixed(1)} s`),
        }
      : { name: 'mydumper + myloader', seconds: NaN, note: 'not installed (apt-get install -y mydumper)' },
  );
}

// --- summary ---
const anyReport = rcReport ?? rwReport;
console.log(
  `\ncommand: npx tsx bench/mysql-copy.ts ${args.join(' ')}\nMySQL copy, shape ${shape}, ${mb.toFixed(0)} MB source (data+indexes), ${anyReport?.totalRows} rows, ${((anyReport?.totalBytes ?? 0) / 1e6).toFixed(0)} MB streamed, jobs ${jobs}; load now ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
// Plain runs against the fastest plain peer; rewrite runs against the fastest peer + its REPLACE() pass.
const pass = results.find((r) => r.name.includes('REPLACE'));
const dumpPlain = results.find((r) => r.name === 'mariadb-dump \\| mariadb')?.seconds ?? NaN;
const passAlone = pass ? pass.seconds - dumpPlain : NaN;
const peerPlain = results.filter(
  (r) => !r.name.startsWith('railclone') && !r.name.includes('REPLACE') && Number.isFinite(r.seconds),
);
const fastestPlain = Math.min(...peerPlain.map((r) => r.seconds));
const fastestRw = fastestPlain + passAlone;
const isRw = (r: { name: string }) => r.name.includes('REPLACE') || r.name.includes('rewrite in flight');
console.log('| method | wall s | MB/s | vs fastest peer |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of results) {
  const ok = Number.isFinite(r.seconds);
  const vs = isRw(r) ? fastestRw : fastestPlain;
  const ratio = ok && Number.isFinite(vs) ? `${(r.seconds / vs).toFixed(2)}x` : 'n/a';
  console.log(
    `| ${r.name}${r.note ? ` (${r.note})` : ''} | ${ok ? r.seconds.toFixed(1) : 'n/a'} | ${ok ? (mb / r.seconds).toFixed(1) : 'n/a'} | ${ratio} |`,
  );
}
if (peerPlain.length > 0)
  console.log(
    `railclone / fastest peer: plain ${(plain / fastestPlain).toFixed(2)}x, with rewrite ${(withRw / fastestRw).toFixed(2)}x` +
      ` (goal ≤ 0.80x; the rewrite peer is the fastest peer + the REPLACE() pass)`,
  );
for (const db of [
  'mysqlbench_rc',
  'mysqlbench_rcrw',
  'mysqlbench_dump',
  'mysqlbench_myl',
  ...(keep ? [] : [SRC]),
]) {
  await server.query(`DROP DATABASE IF EXISTS \`${db}\``);
}
await server.end();
