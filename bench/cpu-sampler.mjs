// CPU-time sampler for the copy profiles (plain JS, run as its own process so its work is not
// counted as the copy's). Every 50 ms it reads /proc/<pid>/stat of the PostgreSQL / MariaDB server
// processes and the peer tools, keeping each process's latest CPU time. A line `mark <name>` on stdin
// prints the CPU seconds per group since the previous mark as one JSON line; stdin closed = exit.
// Groups: a backend by its database (`pg:<db>`), server background processes (`pg-bg`), a tool by
// its name (pg_dump, psql, pg_restore, pgcopydb, mariadb, mydumper, …), mariadbd as one process.
// With `--root <pid>`, tools count only when they descend from that process (not another user's).
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { clearInterval, setInterval } from 'node:timers';

const TICK = 100; // clock ticks per second (USER_HZ on Linux)
const TOOLS = new Set([
  'pg_dump',
  'pg_restore',
  'psql',
  'pgcopydb',
  'mariadb',
  'mariadb-dump',
  'mydumper',
  'myloader',
  'mariadbd',
  'mysqld',
]);
const self = String(process.pid);
const rootAt = process.argv.indexOf('--root');
const root = rootAt > 0 ? process.argv[rootAt + 1] : undefined;

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  } catch {
    return undefined;
  }
}

function descends(pid) {
  for (let p = pid, k = 0; p && p !== '0' && k < 10; p = parentOf(p), k++) if (p === root) return true;
  return false;
}
const latest = new Map(); // pid -> { group, ticks }
const atStart = new Map(); // pid -> ticks when first seen at start
const reported = new Map(); // pid -> ticks already reported at the last mark

function classify(pid, comm) {
  if (TOOLS.has(comm)) {
    if (comm === 'mysqld' || comm === 'mariadbd') return 'mariadbd';
    return !root || descends(pid) ? comm : null;
  }
  if (comm !== 'postgres') return null;
  let cmd;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
  } catch {
    return null;
  }
  // `postgres: [cluster: ]user database host(port) state`; background ones have no host(port).
  const m =
    /^postgres: (?:\S+: )?\S+ (\S+) \S*\(\d+\)/.exec(cmd) ??
    /^postgres: (?:\S+: )?\S+ (\S+) \[local\]/.exec(cmd);
  if (m) return `pg:${m[1]}`;
  return 'pg-bg';
}

function sample(first) {
  for (const pid of readdirSync('/proc')) {
    if (pid === self || pid.charCodeAt(0) > 57) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    let e = latest.get(pid);
    if (!e) {
      const group = classify(pid, comm);
      if (!group) continue;
      e = { group, ticks };
      latest.set(pid, e);
      if (first) atStart.set(pid, ticks);
    }
    // A fresh backend shows the postmaster's command line until it has logged in.
    if (e.group === 'pg-bg' && !atStart.has(pid)) e.group = classify(pid, comm) ?? e.group;
    e.ticks = ticks;
  }
}

sample(true);
const timer = setInterval(() => sample(false), 50);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.startsWith('mark ')) return;
  sample(false);
  const out = {};
  for (const [pid, e] of latest) {
    const base = reported.get(pid) ?? atStart.get(pid) ?? 0;
    const d = e.ticks - base;
    reported.set(pid, e.ticks);
    if (d > 0) out[e.group] = (out[e.group] ?? 0) + d / TICK;
  }
  process.stdout.write(`${JSON.stringify({ mark: line.slice(5), cpu: out })}\n`);
});
rl.on('close', () => clearInterval(timer));
