// The chunk plans (every row in exactly one chunk) and the job pool (first error wins, no job after it).
import { describe, expect, it } from 'vitest';
import { runPool } from '../../src/data/common/pool.js';
import {
  chunkCount,
  ctidChunks,
  keyRangeChunks,
  splitPays,
  SPLIT_MIN_BYTES,
} from '../../src/data/common/split.js';

/** Evaluates a keyRangeChunks predicate for one key value. */
function inChunk(where: string, v: number): boolean {
  return where.split(' AND ').every((p) => {
    const m = /^id (>=|<) (-?\d+)$/.exec(p);
    if (p === '1=1') return true;
    if (!m) throw new Error(`unexpected predicate ${p}`);
    return m[1] === '>=' ? v >= Number(m[2]) : v < Number(m[2]);
  });
}

describe('split plans', () => {
  it('puts every key (also beyond the planned min/max) in exactly one chunk', () => {
    for (const [min, max, n] of [
      [1, 1000, 4],
      [-50, 50, 3],
      [7, 9, 8],
      [5, 5, 2],
    ] as const) {
      const chunks = keyRangeChunks('id', BigInt(min), BigInt(max), n);
      expect(chunks.length).toBeGreaterThanOrEqual(1);
      expect(chunks.length).toBeLessThanOrEqual(n);
      chunks.forEach((c, i) => expect([c.index, c.count]).toEqual([i + 1, chunks.length]));
      for (let v = min - 20; v <= max + 20; v++) {
        expect(chunks.filter((c) => inChunk(c.where, v)).length, `key ${v}`).toBe(1);
      }
    }
  });

  it('cuts ctid ranges at block boundaries, open at both ends', () => {
    const chunks = ctidChunks(1000, 4);
    expect(chunks.map((c) => c.where)).toEqual([
      "ctid < '(250,0)'::tid",
      "ctid >= '(250,0)'::tid AND ctid < '(500,0)'::tid",
      "ctid >= '(500,0)'::tid AND ctid < '(750,0)'::tid",
      "ctid >= '(750,0)'::tid",
    ]);
    expect(ctidChunks(0, 4).map((c) => c.where)).toEqual(['true']);
  });

  it('splits only big tables, and only with more than one job', () => {
    expect(chunkCount(SPLIT_MIN_BYTES - 1, SPLIT_MIN_BYTES * 10, 4)).toBe(1);
    expect(chunkCount(SPLIT_MIN_BYTES * 100, SPLIT_MIN_BYTES * 100, 1)).toBe(1);
    const n = chunkCount(400e6, 450e6, 2);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(8);
  });
});

describe('splitPays', () => {
  it('splits for remote servers whatever the local cores', () => {
    expect(splitPays(['db.internal', 'localhost'], 4, 1)).toBe(true);
    expect(splitPays(['a.example', 'b.example'], 8, 2)).toBe(true);
  });
  it('splits for servers on this machine only when it has two cores per lane', () => {
    expect(splitPays(['localhost', 'localhost'], 2, 2)).toBe(false);
    expect(splitPays(['localhost', 'localhost'], 2, 3)).toBe(false);
    expect(splitPays(['localhost', 'localhost'], 2, 4)).toBe(true);
    expect(splitPays(['localhost', 'localhost'], 4, 8)).toBe(true);
  });
});

describe('runPool', () => {
  it('runs every job once over the lanes, at most one per lane at a time', async () => {
    const busy = [false, false];
    const seen: number[] = [];
    const lanes = busy.map((_, i) => async (job: number) => {
      expect(busy[i]).toBe(false);
      busy[i] = true;
      await new Promise((r) => setTimeout(r, job % 3));
      busy[i] = false;
      seen.push(job);
      return job * 2;
    });
    const out = await runPool([1, 2, 3, 4, 5, 6, 7], lanes, new AbortController());
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(out.sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10, 12, 14]);
  });

  it('rejects with the first error, aborts the stop signal and starts no job after it', async () => {
    const stop = new AbortController();
    const started: number[] = [];
    const lane = async (job: number) => {
      started.push(job);
      await new Promise((r) => setTimeout(r, 5));
      if (job === 2) throw new Error('boom 2');
      if (stop.signal.aborted) throw new Error('stopped');
      return job;
    };
    await expect(runPool([1, 2, 3, 4, 5, 6], [lane, lane], stop)).rejects.toThrow('boom 2');
    expect(stop.signal.aborted).toBe(true);
    expect(started).toEqual([1, 2, 3]);
  });
});
