// Splitting one big table into chunks that several jobs copy at once. A chunk is a WHERE predicate:
// the chunks of a table cover every row exactly once (the first has no lower bound, the last no
// upper bound, so rows beyond what the plan saw still land once), and may land in any order.

import { availableParallelism } from 'node:os';

export interface Chunk {
  /** 1-based, for progress and messages. */
  index: number;
  count: number;
  /** SQL predicate selecting this chunk's rows. */
  where: string;
}

/** Below this a table is copied whole: a chunk's fixed costs would outweigh the parallelism. */
export const SPLIT_MIN_BYTES = 32 * 1024 * 1024;

/**
 * How many chunks a table of `sizeBytes` gets when `totalBytes` are copied with `jobs`: chunks of
 * about a half-job's share of the whole, so a dominant table keeps every job busy and the small
 * tables fill the gaps. 1 = not split.
 */
export function chunkCount(sizeBytes: number, totalBytes: number, jobs: number): number {
  if (jobs < 2 || sizeBytes < SPLIT_MIN_BYTES) return 1;
  const chunkBytes = Math.max(SPLIT_MIN_BYTES, totalBytes / (jobs * 2));
  return Math.max(1, Math.min(jobs * 4, Math.ceil(sizeBytes / chunkBytes)));
}

/**
 * Whether splitting can pay off. A split table loses what a whole-table copy has (PostgreSQL: COPY
 * FREEZE into the table truncated in the same transaction, and the plain COPY of the relation rather
 * than a query) and gains only parallelism. Every lane keeps a source and a target process busy: when
 * both servers run on this machine and it has fewer cores than that, the lanes cannot run side by side
 * and a split only adds work (measured on 2 cores, 2 jobs, a 200 MB table: +1 s source and +1–2 s
 * target CPU, no faster). Remote servers have their own cores: split.
 */
export function splitPays(hosts: readonly string[], jobs: number, cores = availableParallelism()): boolean {
  const local = hosts.every((h) => h === 'localhost');
  return !local || cores >= 2 * jobs;
}

/** Boundaries splitting [lo, hi) into `count` near-equal integer ranges (fewer if the span is small). */
function bounds(lo: bigint, hi: bigint, count: number): bigint[] {
  const span = hi - lo;
  const n = BigInt(Math.max(1, count));
  const parts = span < n ? Number(span > 0n ? span : 1n) : count;
  const out: bigint[] = [];
  for (let i = 1; i < parts; i++) out.push(lo + (span * BigInt(i)) / BigInt(parts));
  return out;
}

function chunksFrom(
  cuts: string[][],
  build: (from: string | undefined, to: string | undefined) => string,
): Chunk[] {
  return cuts.map(([from, to], i) => ({ index: i + 1, count: cuts.length, where: build(from, to) }));
}

function windows(edges: string[]): string[][] {
  const all: (string | undefined)[] = [undefined, ...edges, undefined];
  return all.slice(0, -1).map((from, i) => [from, all[i + 1]] as string[]);
}

/** PostgreSQL: block (ctid) ranges of a heap of `pages` pages; a TID range scan reads only its blocks. */
export function ctidChunks(pages: number, count: number): Chunk[] {
  const edges = bounds(0n, BigInt(Math.max(pages, 1)), count).map(String);
  return chunksFrom(
    windows(edges),
    (from, to) =>
      [
        from !== undefined ? `ctid >= '(${from},0)'::tid` : '',
        to !== undefined ? `ctid < '(${to},0)'::tid` : '',
      ]
        .filter(Boolean)
        .join(' AND ') || 'true',
  );
}

/** MySQL/MariaDB: ranges of a single-column integer primary key between its min and max. */
export function keyRangeChunks(column: string, min: bigint, max: bigint, count: number): Chunk[] {
  const edges = bounds(min, max + 1n, count).map(String);
  return chunksFrom(
    windows(edges),
    (from, to) =>
      [from !== undefined ? `${column} >= ${from}` : '', to !== undefined ? `${column} < ${to}` : '']
        .filter(Boolean)
        .join(' AND ') || '1=1',
  );
}
