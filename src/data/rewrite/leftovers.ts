// The proof after a copy: how many whole-host occurrences of each source host are left in the
// clone's text columns, per table and column, by the rewrite's own rule (hosts.ts). The database
// pre-selects rows that contain a host in any case (or a base64 form of one); JS counts exactly.
// Base64 is looked for because no rewriter can see inside it: those values are listed, not fixed.
import { registerSecret } from '../../util/secrets.js';
import { parseDatabaseUrl } from '../common/same-target.js';
import { countHost, hostSearch, type HostSearch } from './hosts.js';
import type { Leftover, LeftoverReport, LeftoverScan } from './leftovers-types.js';

export type { Leftover, LeftoverReport, LeftoverScan, TextTable } from './leftovers-types.js';

/**
 * The runs every base64 encoding of `s` contains: `s` can start at any of the 3 byte offsets of a
 * base64 group, and only the groups wholly inside `s` are encoded the same whatever surrounds it.
 * Both alphabets (standard and URL-safe).
 */
export function base64Runs(s: string): string[] {
  const bytes = Buffer.from(s, 'utf8');
  const out = new Set<string>();
  for (let skip = 0; skip < 3; skip++) {
    const groups = Math.floor((bytes.length - skip) / 3);
    if (groups < 2) continue; // too short a run to mean anything
    const run = bytes.subarray(skip, skip + groups * 3).toString('base64');
    out.add(run);
    out.add(run.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out];
}

const BASE64_TOKEN = /[A-Za-z0-9+/_-]{8,}={0,2}/g;

/** Whole-host occurrences inside the base64 tokens of `value` that contain one of `runs`. */
function countInBase64(value: string, runs: string[], search: HostSearch): number {
  let n = 0;
  for (const m of value.matchAll(BASE64_TOKEN)) {
    const token = m[0];
    if (!runs.some((r) => token.includes(r))) continue;
    // The token may start mid-group when glued to other text: try each alignment, keep the best.
    let best = 0;
    for (let cut = 0; cut < 4 && cut < token.length; cut++) {
      const decoded = Buffer.from(
        token.slice(cut),
        token.includes('-') || token.includes('_') ? 'base64url' : 'base64',
      );
      best = Math.max(best, countHost(decoded.toString('latin1'), search));
    }
    n += best;
  }
  return n;
}

export function createLeftoverScan(hosts: readonly string[]): {
  scan: LeftoverScan;
  report: () => LeftoverReport;
} {
  const list = [...new Set(hosts.map((h) => h.toLowerCase()))];
  const searches = new Map(list.map((h) => [h, hostSearch([h])]));
  const runs = new Map(list.map((h) => [h, base64Runs(h)]));
  const counts = new Map<string, Leftover>();
  const add = (table: string, column: string, host: string, encoding: Leftover['encoding'], n: number) => {
    if (n === 0) return;
    const key = JSON.stringify([table, column, host, encoding]);
    const entry = counts.get(key) ?? { table, column, host, encoding, count: 0 };
    entry.count += n;
    counts.set(key, entry);
  };
  const scan: LeftoverScan = {
    hosts: list,
    plain: list,
    base64: [...new Set([...runs.values()].flat())],
    count(table, column, value) {
      for (const h of list) {
        const search = searches.get(h) as HostSearch;
        add(table, column, h, 'plain', countHost(value, search));
        const r = runs.get(h) as string[];
        if (r.some((x) => value.includes(x)))
          add(table, column, h, 'base64', countInBase64(value, r, search));
      }
    },
  };
  const report = (): LeftoverReport => {
    const leftovers = [...counts.values()].sort(
      (a, b) =>
        a.table.localeCompare(b.table) || a.column.localeCompare(b.column) || a.host.localeCompare(b.host),
    );
    return { hosts: list, total: leftovers.reduce((n, l) => n + l.count, 0), leftovers };
  };
  return { scan, report };
}

/** Counts what is left of `hosts` in the database at `url` (only read). */
export async function countLeftovers(
  url: string,
  hosts: readonly string[],
  opts: { skipTables?: (table: string) => boolean } = {},
): Promise<LeftoverReport> {
  const endpoint = parseDatabaseUrl(url, 'url');
  try {
    registerSecret(decodeURIComponent(new URL(url).password));
  } catch {
    // parseDatabaseUrl validated the URL
  }
  const { scan, report } = createLeftoverScan(hosts);
  if (scan.hosts.length === 0) return report();
  if (endpoint.engine === 'postgres') await (await import('./leftovers-pg.js')).scanPostgres(url, scan, opts);
  else await (await import('./leftovers-mysql.js')).scanMysql(url, scan, opts);
  return report();
}

/** One line for logs and the CLI: "0 left" or what is left where. */
export function formatLeftovers(r: LeftoverReport): string {
  if (r.hosts.length === 0) return 'no source hosts to check';
  if (r.total === 0) return `0 left (checked ${r.hosts.join(', ')} in every text column)`;
  const where = r.leftovers.map(
    (l) =>
      `${l.table}.${l.column}: ${l.count} × ${l.host}${l.encoding === 'base64' ? ' (inside base64, no rewriter can see it)' : ''}`,
  );
  return `${r.total} left: ${where.join('; ')}`;
}
