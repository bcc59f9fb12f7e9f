// Throughput of the per-value rewriter on WordPress-like values. Run by hand:
//   npx tsx bench/rewrite.ts
// Mix: 90% values without a match (postmeta numbers, titles, plain content), serialized options
// and widgets with URLs, post content with URLs and JSON-escaped block attributes. When `php` is
// installed it also times the wp-cli approach (unserialize → walk → serialize) on the same values.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createRewriter } from '../src/data/rewrite/index.js';

const OLD = 'https://www.example.com';
const NEW = 'https://staging-abc123.up.railway.app';
const ser = (s: string) => `s:${Buffer.byteLength(s)}:"${s}";`;
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const lorem =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ünïcödé 漢字 🖖 ';

function value(i: number): string {
  const r = rand();
  if (r < 0.5) return String(Math.floor(rand() * 1e6)); // postmeta ids / numbers
  if (r < 0.7) return lorem.slice(0, 20 + (i % 100)); // titles, names
  if (r < 0.9) return lorem.repeat(8 + (i % 20)); // long content without URLs
  if (r < 0.95)
    return `a:3:{s:5:"title";${ser('Widget é')}s:3:"url";${ser(`${OLD}/page-${i}/`)}s:4:"opts";a:2:{i:0;d:0.1000000000000000055511151231257827;i:1;${ser(`a:1:{s:4:"logo";${ser(`${OLD}/logo.png`)}}`)}}}`;
  return `<p>${lorem}<a href="${OLD}/post-${i}">link</a></p><!-- wp:image {"url":"${OLD.replace(/\//g, '\\/')}\\/img-${i}.jpg"} -->${lorem.repeat(4)}`;
}

const N = 200_000;
const values = Array.from({ length: N }, (_, i) => value(i));
const bytes = values.reduce((n, v) => n + Buffer.byteLength(v), 0);
const mb = bytes / 1e6;

function time(label: string, fn: () => number): number {
  fn(); // warm-up
  const runs: number[] = [];
  let changed = 0;
  for (let k = 0; k < 5; k++) {
    const t0 = process.hrtime.bigint();
    changed = fn();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  runs.sort((a, b) => a - b);
  const ms = runs[2] as number;
  console.log(
    `${label.padEnd(44)} ${(mb / (ms / 1000)).toFixed(0).padStart(6)} MB/s  ${(((N / ms) * 1000) / 1e6).toFixed(2)} M values/s  (median ${ms.toFixed(1)} ms, ${changed} changed)`,
  );
  return ms;
}

console.log(`${N} values, ${mb.toFixed(1)} MB, node ${process.version}`);
const rw = createRewriter([{ from: OLD, to: NEW }]);
time('rewrite(string), mixed', () => values.reduce((n, v) => n + (rw.rewrite(v) !== v ? 1 : 0), 0));
const noMatch = values.filter((v) => !v.includes('example.com'));
time('rewrite(string), only non-matching (hot path)', () =>
  noMatch.reduce((n, v) => n + (rw.rewrite(v) !== v ? 1 : 0), 0),
);
const buffers = values.map((v) => Buffer.from(v));
time('rewriteBuffer(Buffer), mixed', () =>
  buffers.reduce((n, b) => n + (rw.rewriteBuffer(b) !== b ? 1 : 0), 0),
);
// Host mode (what a clone uses): whole hosts, any case. Goal: within 15 % of plain mode.
const host = createRewriter([], {
  hosts: [{ from: 'www.example.com', to: 'staging-abc123.up.railway.app' }],
});
const latin1 = buffers.map((b) => b.toString('latin1'));
const modes: [string, (r: typeof rw) => number][] = [
  ['rewrite(string), mixed', (r) => values.reduce((n, v) => n + (r.rewrite(v) !== v ? 1 : 0), 0)],
  ['rewriteLatin1, mixed', (r) => latin1.reduce((n, v) => n + (r.rewriteLatin1(v) !== v ? 1 : 0), 0)],
  ['rewriteBuffer, mixed', (r) => buffers.reduce((n, b) => n + (r.rewriteBuffer(b) !== b ? 1 : 0), 0)],
];
/**
 * Plain and host runs alternate, so load from other processes hits both alike; each run is timed
 * in CPU seconds of this process (steadier than wall time on a shared machine), best of 9.
 */
function compare(label: string, fn: (r: typeof rw) => number): void {
  fn(rw);
  fn(host);
  const p: number[] = [];
  const h: number[] = [];
  for (let k = 0; k < 9; k++) {
    for (const [r, into] of [
      [rw, p],
      [host, h],
    ] as const) {
      const t0 = process.cpuUsage();
      fn(r);
      const t = process.cpuUsage(t0);
      into.push((t.user + t.system) / 1000);
    }
  }
  const best = (a: number[]) => Math.min(...a);
  const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(0).padStart(5)} MB/s`;
  console.log(
    `${label.padEnd(26)} plain ${rate(best(p))}  host ${rate(best(h))}  host/plain ${(best(h) / best(p)).toFixed(2)}x (goal ≤ 1.15x, CPU time)`,
  );
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`load average before the host/plain comparison: ${load()}`);
for (const [label, fn] of modes) compare(label, fn);
console.log(`load average after: ${load()}`);
const naive = (v: string) => v.split(OLD).join(NEW);
time('baseline: split/join, no serialization', () =>
  values.reduce((n, v) => n + (naive(v) !== v ? 1 : 0), 0),
);

const php = spawnSync('php', ['-v']);
if (php.status === 0) {
  // wp-cli's SearchReplacer in spirit: str_replace on strings, unserialize + recurse + serialize otherwise.
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-bench-'));
  writeFileSync(path.join(dir, 'values.json'), JSON.stringify(values));
  writeFileSync(
    path.join(dir, 'bench.php'),
    `<?php
$values = json_decode(file_get_contents($argv[1]), true);
$old = $argv[2]; $new = $argv[3];
$oldJ = substr(json_encode($old), 1, -1); $newJ = substr(json_encode($new), 1, -1);
function walk($d, $o, $n, $oj, $nj) {
  if (is_string($d) && ($u = @unserialize($d, ['allowed_classes' => ['stdClass']])) !== false || $d === 'b:0;') {
    return serialize(walk($u ?? false, $o, $n, $oj, $nj));
  }
  if (is_array($d)) { foreach ($d as $k => $v) $d[$k] = walk($v, $o, $n, $oj, $nj); return $d; }
  if (is_string($d)) return str_replace($oj, $nj, str_replace($o, $n, $d));
  return $d;
}
$best = INF;
for ($k = 0; $k < 5; $k++) {
  $t = hrtime(true); $c = 0;
  foreach ($values as $v) { if (strpos($v, $old) === false && strpos($v, $oldJ) === false) continue; if (walk($v, $old, $new, $oldJ, $newJ) !== $v) $c++; }
  $best = min($best, (hrtime(true) - $t) / 1e6);
}
echo json_encode(['ms' => $best, 'changed' => $c, 'version' => PHP_VERSION]);
`,
  );
  const res = JSON.parse(
    execFileSync('php', [path.join(dir, 'bench.php'), path.join(dir, 'values.json'), OLD, NEW], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  );
  console.log(
    `${`PHP ${res.version} wp-cli-style (best of 5)`.padEnd(44)} ${(mb / (res.ms / 1000)).toFixed(0).padStart(6)} MB/s  (${res.ms.toFixed(1)} ms, ${res.changed} changed)`,
  );
} else {
  console.log('php not installed: skipping the PHP comparison');
}
