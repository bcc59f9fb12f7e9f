// Shared by pg-copy-lock and mysql-copy-lock: the same lock, asserted the same way on both engines.
import { expect } from 'vitest';
import type { CopyOptions, CopyReport } from '../../src/data/types.js';
import { RailcloneError } from '../../src/util/errors.js';

type Copy = (opts: CopyOptions) => Promise<CopyReport>;

/** A copy that records when each of its progress events came and when it ended. */
export function timedCopy(copy: Copy, opts: CopyOptions) {
  const events: number[] = [];
  const run = copy({ ...opts, onProgress: () => events.push(performance.now()) }).then((r) => ({
    report: r,
    ended: performance.now(),
  }));
  return { events, run };
}

/** Two copies into `database` at once: both copied every row, one entirely after the other, and said so. */
export async function expectOneAfterTheOther(
  copy: Copy,
  opts: CopyOptions,
  rows: number,
  database: string,
  lines: readonly string[],
): Promise<void> {
  const a = timedCopy(copy, opts);
  const b = timedCopy(copy, opts);
  const [ra, rb] = await Promise.all([a.run, b.run]);
  expect(ra.report.totalRows).toBe(rows);
  expect(rb.report.totalRows).toBe(rows);
  // One ran entirely after the other had ended: no interleaving.
  const [first, second] = ra.ended < rb.ended ? [ra, b] : [rb, a];
  expect(second.events.length).toBeGreaterThan(0);
  expect(Math.min(...second.events)).toBeGreaterThanOrEqual(first.ended);
  expect(lines.filter((l) => l === `another copy into ${database} is running; waiting`)).toHaveLength(1);
  expect(lines.some((l) => l.startsWith(`the other copy into ${database} ended after`))).toBe(true);
}

/**
 * A copy aborted while it waits for the lock: a first copy (jobs 1) takes it, the second is aborted
 * once it logs that it waits and must end at once with CopyAborted. Returns once the first has ended.
 */
export async function expectAbortWhileWaiting(
  copy: Copy,
  opts: CopyOptions,
  lines: readonly string[],
): Promise<void> {
  let copying!: () => void;
  const holds = new Promise<void>((res) => (copying = res));
  const a = copy({ ...opts, jobs: 1, onProgress: () => copying() });
  await holds; // a holds the lock: b is the one that waits
  const ac = new AbortController();
  let started = 0;
  const poll = setInterval(() => {
    if (lines.some((l) => l.includes('is running; waiting')) && !ac.signal.aborted) {
      started = performance.now();
      ac.abort();
    }
  }, 20);
  const b = await copy({ ...opts, replaceTarget: true, signal: ac.signal }).catch((e: unknown) => e);
  clearInterval(poll);
  expect(b).toBeInstanceOf(RailcloneError);
  expect((b as RailcloneError).code).toBe('CopyAborted');
  expect(performance.now() - started).toBeLessThan(10_000);
  await a;
}
