// When an execution will probably end: the median duration of the flow's recent successful runs.
// The median is cached per flow, "no history yet" included: computing it searches the store (the file store
// reads every execution record), which the 202 path and every poll must not pay. The local backend reports
// each finished run, which drops the cached value at once; with Kestra (runs end elsewhere) a new success
// counts after at most CACHE_MS.
import type { ExecutionBackend } from './backends/types.js';

const SAMPLE = 20;
const CACHE_MS = 30_000;

export class CompletionEstimator {
  // A promise, so twenty concurrent misses share one search.
  private readonly cache = new Map<string, { at: number; medianMs: Promise<number | null> }>();

  constructor(private readonly backend: ExecutionBackend) {
    backend.onFinished?.((e) => {
      if (e.state === 'SUCCESS') this.cache.delete(`${e.namespace}/${e.flowId}`);
    });
  }

  /** Median ms of the last successful runs, or null when there are none yet. */
  medianMs(namespace: string, flowId: string): Promise<number | null> {
    const key = `${namespace}/${flowId}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.medianMs;
    const medianMs = this.compute(namespace, flowId);
    this.cache.set(key, { at: Date.now(), medianMs });
    // A failed search is not remembered: the next request tries again.
    medianMs.catch(() => this.cache.get(key)?.medianMs === medianMs && this.cache.delete(key));
    return medianMs;
  }

  private async compute(namespace: string, flowId: string): Promise<number | null> {
    const { results } = await this.backend.search({
      namespace,
      flowId,
      states: ['SUCCESS'],
      page: 1,
      size: SAMPLE,
    });
    const durations = results
      .filter((e) => e.endDate)
      .map((e) => new Date(e.endDate!).getTime() - new Date(e.startDate).getTime())
      .sort((a, b) => a - b);
    const mid = durations.length >> 1;
    if (durations.length === 0) return null;
    return durations.length % 2 ? durations[mid]! : (durations[mid - 1]! + durations[mid]!) / 2;
  }

  async estimate(namespace: string, flowId: string, startDate: string): Promise<string | null> {
    const median = await this.medianMs(namespace, flowId);
    return median === null ? null : new Date(new Date(startDate).getTime() + median).toISOString();
  }
}
