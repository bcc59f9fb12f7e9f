// Human report for `railclone db search-replace`, in the shape of `wp search-replace`'s table.
import type { SearchReplaceReport } from './search-replace.js';

export function formatSearchReplaceReport(r: SearchReplaceReport): string {
  const rows: string[][] = [['Table', 'Column', 'Matched', 'Changed', 'Method']];
  for (const t of r.tables) {
    if (t.status === 'skipped') rows.push([t.table, '', '', '', `skipped (${t.reason ?? 'skipped'})`]);
    else
      for (const c of t.columns)
        rows.push([t.table, c.column, String(c.matched), String(c.changed), t.method ?? '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const fmt = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line, fmt(rows[0]!), line, ...rows.slice(1).map(fmt), line];
  const n = r.totalChanged;
  const noun = n === 1 ? 'replacement' : 'replacements';
  out.push(r.dryRun ? `Success: ${n} ${noun} to be made.` : `Success: Made ${n} ${noun}.`);
  const malformed = r.tables.reduce((s, t) => s + t.columns.reduce((m, c) => m + c.malformed, 0), 0);
  if (malformed > 0)
    out.push(`Warning: ${malformed} value(s) looked serialized but did not parse; they were left unchanged.`);
  return out.join('\n');
}
