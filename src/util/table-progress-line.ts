// One table's copy as a log line, and back. Kestra keeps only log lines and outputs, so the copy's rows
// and bytes travel as these lines (`railclone task`, the in-process recorder); the clone API's Kestra
// backend and the console read them back. No Node imports: the console bundles this file.
//   table wp_posts: 138 rows, 0.18 MB                                        (done)
//   table wp_posts: copying, 60 rows, 0.08 MB so far of ~138 rows, chunks 1 of 4, about 3 s left

export interface TableLine {
  table: string;
  status: 'copying' | 'done';
  rows: number;
  /** From the line's MB (two decimals): 10 kB precision. */
  bytes: number;
  /** The source's row estimate, when it has one. */
  totalRows: number | null;
  /** A table split into chunks copied in parallel: how many are done. */
  chunks: { done: number; total: number } | null;
  /** Seconds left, estimated from the rate so far (split tables). */
  etaSeconds: number | null;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);

export function formatTableLine(t: {
  table: string;
  status: 'copying' | 'done';
  rows: number;
  bytes: number;
  totalRows?: number | null | undefined;
  chunks?: { done: number; total: number } | null | undefined;
  etaSeconds?: number | null | undefined;
}): string {
  if (t.status === 'done') return `table ${t.table}: ${t.rows} rows, ${mb(t.bytes)} MB`;
  return (
    `table ${t.table}: copying, ${t.rows} rows, ${mb(t.bytes)} MB so far` +
    (t.totalRows ? ` of ~${t.totalRows} rows` : '') +
    (t.chunks ? `, chunks ${t.chunks.done} of ${t.chunks.total}` : '') +
    (t.etaSeconds !== null && t.etaSeconds !== undefined ? `, about ${t.etaSeconds} s left` : '')
  );
}

const LINE =
  /^table (.+?): (copying, )?(\d+) rows, ([\d.]+) MB(?: so far(?: of ~(\d+) rows)?(?:, chunks (\d+) of (\d+))?(?:, about (\d+) s left)?)?$/;

export function parseTableLine(message: string): TableLine | null {
  const m = LINE.exec(message);
  if (!m) return null;
  const copying = m[2] !== undefined;
  // A done line has no "so far" part; a copying line always has it.
  if (copying !== / MB so far/.test(message)) return null;
  return {
    table: m[1]!,
    status: copying ? 'copying' : 'done',
    rows: Number(m[3]),
    bytes: Math.round(Number(m[4]) * 1e6),
    totalRows: m[5] ? Number(m[5]) : null,
    chunks: m[6] ? { done: Number(m[6]), total: Number(m[7]) } : null,
    etaSeconds: m[8] ? Number(m[8]) : null,
  };
}

/** Each table's latest line, in the order tables first appear (a retried copy's table replaces its row). */
export function tablesFromLines(messages: Iterable<string>): TableLine[] {
  const tables = new Map<string, TableLine>();
  for (const message of messages) {
    const t = parseTableLine(message);
    if (t) tables.set(t.table, t);
  }
  return [...tables.values()];
}
