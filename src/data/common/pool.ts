// The job pool both engines copy with: one lane per open connection pair, each lane pulls the next
// job (a table, or one chunk of a split table) until the queue is empty. The first failure stops
// the others (through `stop`) and is the error reported; lanes never start a job after that.

export type Lane<J, R> = (job: J) => Promise<R>;

/**
 * Runs `jobs` in the given order over `lanes`, at most one job per lane at a time. Resolves with
 * the results in completion order; rejects with the first error after every lane has stopped.
 */
export async function runPool<J, R>(
  jobs: readonly J[],
  lanes: readonly Lane<J, R>[],
  stop: AbortController,
): Promise<R[]> {
  const queue = [...jobs];
  const results: R[] = [];
  let first: { error: unknown } | undefined;
  await Promise.all(
    lanes.map(async (lane) => {
      for (let job = queue.shift(); job !== undefined && !stop.signal.aborted; job = queue.shift()) {
        try {
          results.push(await lane(job));
        } catch (error) {
          queue.length = 0;
          if (!first) first = { error };
          if (!stop.signal.aborted) stop.abort(error);
          return;
        }
      }
    }),
  );
  if (first) throw first.error;
  if (stop.signal.aborted) {
    const reason: unknown = stop.signal.reason;
    throw reason instanceof Error ? reason : new Error('copy stopped');
  }
  return results;
}

/**
 * Calls `finish` once for a table when the last of its `parts` jobs is done (a table copied whole
 * has one part). What runs once per table (verification, checksums, ANALYZE) goes there.
 */
export function partsCounter<K>(): { expect(key: K, parts: number): void; done(key: K): boolean } {
  const left = new Map<K, number>();
  return {
    expect(key, parts) {
      left.set(key, parts);
    },
    done(key) {
      const n = (left.get(key) ?? 1) - 1;
      left.set(key, n);
      return n === 0;
    },
  };
}
