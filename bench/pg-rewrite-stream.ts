// Throughput of the PostgreSQL COPY-text Transform alone (no database), run by hand:
//   npx tsx bench/pg-rewrite-stream.ts [--size-mb 200] [--chunk-kb 64]
// The input is COPY text shaped like bench/datasets/wordpress-pg.ts (same rows the server would
// write for wp_posts, wp_postmeta, wp_comments), cut into socket-sized chunks as pg-copy-streams
// delivers them. Prints MB/s per table and overall for: pass-through (no rewrite), the real
// rewriter, and a do-nothing rewriter (the stream's own cost). The sha256 of the output is printed
// so an optimisation can be checked to produce the same bytes; a second pass with odd-sized chunks
// must give the same hash (rows and needles split across chunks). MB/s are per CPU second of this
// process (steadier than wall time on a shared machine; the stream never waits), best of 3.
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyStream, needlesFor, type ValueRewriter } from '../src/data/postgres/copy-stream.js';
import { createRewriter, escapedForms } from '../src/data/rewrite/index.js';
import { SITE } from './datasets/wordpress-pg.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const sizeMb = Number(arg('size-mb', '200'));
const chunkSize = Number(arg('chunk-kb', '64')) * 1024;
const NEW_SITE = 'https://staging-42.up.railway.app';
const BYTES_PER_POST = 2900;

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
/** What COPY TO writes for a text value (this data only has backslashes to escape). */
const esc = (s: string) => s.replace(/\\/g, '\\\\');
const ts = (base: number, minutes: number) =>
  new Date(base + minutes * 60_000).toISOString().replace('T', ' ').slice(0, 19);
const BASE_2015 = Date.UTC(2015, 0, 1);
const BASE_2016 = Date.UTC(2016, 0, 1);
const SITE_JSON = SITE.replace(/\//g, '\\/');

interface Table {
  name: string;
  text: Buffer;
  /** Column indexes the engine would hand to the rewrite (text-like columns). */
  columns: number[];
}

function posts(n: number): Table {
  const rows: string[] = [];
  for (let i = 1; i <= n; i++) {
    const h = md5(String(i));
    const content =
      `<!-- wp:paragraph --><p>${`${h} lorem ipsum dolor sit amet `.repeat(30)}` +
      `<a href="${SITE}/post-${i}/">link</a> <img src="${SITE}/wp-content/uploads/${i}.jpg"></p>` +
      `<!-- wp:image {"url":"${SITE_JSON}\\/img-${i}.png"} /-->`;
    rows.push(
      [
        i,
        0,
        ts(BASE_2015, i * 7),
        esc(content),
        `Post ${i}`,
        '',
        'publish',
        `post-${i}`,
        `${SITE}/?p=${i}`,
        'post',
        0,
      ].join('\t'),
    );
  }
  return { name: 'wp_posts', text: Buffer.from(rows.join('\n') + '\n'), columns: [3, 4, 5, 6, 7, 8, 9] };
}

function postmeta(n: number): Table {
  const rows: string[] = [];
  let id = 1;
  for (let p = 1; p <= n; p++) {
    for (const k of [
      '_edit_lock',
      '_edit_last',
      '_thumbnail_id',
      '_wp_attachment_metadata',
      '_link',
      '_views',
    ]) {
      const file = `${SITE}/u/${p}.jpg`;
      const v =
        k === '_wp_attachment_metadata'
          ? `a:2:{s:4:"file";s:${file.length}:"${file}";s:5:"width";i:1024;}`
          : k === '_link'
            ? `${SITE}/l/${p}`
            : md5(`${p}${k}`);
      rows.push([id++, p, k, v].join('\t'));
    }
  }
  return { name: 'wp_postmeta', text: Buffer.from(rows.join('\n') + '\n'), columns: [2, 3] };
}

function comments(n: number): Table {
  const rows: string[] = [];
  for (let i = 1; i <= 2 * n; i++) {
    const h = md5(String(i));
    rows.push(
      [
        i,
        1 + (i % n),
        `Reader ${i}`,
        `${SITE}/author/${i % 100}`,
        ts(BASE_2016, i * 3),
        `Nice post! See ${SITE}/post-${i % n} ${h}${h}${h}`,
        '1',
      ].join('\t'),
    );
  }
  return { name: 'wp_comments', text: Buffer.from(rows.join('\n') + '\n'), columns: [2, 3, 5, 6] };
}

function chunks(b: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

/** Streams `input` through one CopyStream; returns CPU seconds and the output's sha256 (hashed after timing). */
async function run(
  t: Table,
  input: Buffer[],
  rewriter: ValueRewriter | undefined,
  needles: Buffer[],
): Promise<{ s: number; sha: string; rewritten: number }> {
  const out: Buffer[] = [];
  const stream = new CopyStream({ rewriteColumns: t.columns, ...(rewriter ? { rewriter } : {}), needles });
  const sink = new Writable({
    highWaterMark: 1 << 20,
    write(c: Buffer, _e, cb) {
      out.push(c);
      cb();
    },
  });
  // CPU time, not wall time: on a shared machine it is far steadier, and this stream never waits.
  const c0 = process.cpuUsage();
  await pipeline(Readable.from(input, { objectMode: false }), stream, sink);
  const c = process.cpuUsage(c0);
  const s = (c.user + c.system) / 1e6;
  const hash = createHash('sha256');
  for (const c of out) hash.update(c);
  return { s, sha: hash.digest('hex').slice(0, 16), rewritten: stream.rewritten };
}

async function main(): Promise<void> {
  const nPosts = Math.max(100, Math.round((sizeMb * 1e6) / BYTES_PER_POST));
  const tables = [posts(nPosts), postmeta(nPosts), comments(nPosts)];
  const total = tables.reduce((n, t) => n + t.text.length, 0);
  console.log(
    `node ${process.version}; ${(total / 1e6).toFixed(0)} MB of COPY text (${tables.map((t) => `${t.name} ${(t.text.length / 1e6).toFixed(0)} MB`).join(', ')}); chunks ${chunkSize / 1024} KB`,
  );

  const pairs = [{ from: SITE, to: NEW_SITE }];
  const needles = needlesFor(pairs, escapedForms);
  const hostPairs = [{ from: new URL(SITE).host, to: new URL(NEW_SITE).host }];
  const identity: ValueRewriter = { rewriteBuffer: (b) => b, rewriteLatin1: (s) => s };
  // Host mode (what a clone uses) finds its hosts itself (the rewriter's hostSearch), so no needles.
  const modes: { label: string; rewriter: () => ValueRewriter | undefined; needles: Buffer[] }[] = [
    { label: 'pass-through (no rewrite)', rewriter: () => undefined, needles },
    { label: 'do-nothing rewriter', rewriter: () => identity, needles },
    { label: 'real rewriter', rewriter: () => createRewriter(pairs), needles },
    { label: 'host-mode rewriter', rewriter: () => createRewriter([], { hosts: hostPairs }), needles: [] },
  ];
  const overall = new Map<string, number>();
  const odd = chunkSize - 4093; // rows and needles land across chunk boundaries at other places
  for (const m of modes) {
    let seconds = 0;
    const parts: string[] = [];
    for (const t of tables) {
      const input = chunks(t.text, chunkSize);
      await run(t, input.slice(0, 50), m.rewriter(), m.needles); // warm-up
      const runs = [];
      for (let k = 0; k < 3; k++) runs.push(await run(t, input, m.rewriter(), m.needles));
      runs.sort((a, b) => a.s - b.s);
      const best = runs[0] as (typeof runs)[number];
      const check = await run(t, chunks(t.text, odd), m.rewriter(), m.needles);
      if (check.sha !== best.sha)
        throw new Error(`${m.label} ${t.name}: output differs with ${odd}-byte chunks`);
      seconds += best.s;
      parts.push(
        `${t.name} ${(t.text.length / 1e6 / best.s).toFixed(0)} MB/s sha ${best.sha} (${best.rewritten} rewritten)`,
      );
    }
    console.log(`${m.label.padEnd(26)} ${(total / 1e6 / seconds).toFixed(1).padStart(7)} MB/s overall`);
    for (const p of parts) console.log(`    ${p}`);
    overall.set(m.label, seconds);
  }
  const plain = overall.get('real rewriter') as number;
  const host = overall.get('host-mode rewriter') as number;
  console.log(`host mode / plain mode: ${(host / plain).toFixed(2)}x CPU time (issue 17's goal: ≤ 1.15x)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
