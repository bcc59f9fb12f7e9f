// When an execution will probably end: the median duration of the flow's recent successful runs.
import type { ExecutionBackend } from './backends/types.js';

const SAMPLE = 20;
const CACHE_MS = 30_000;

export class CompletionEstimator {
  private readonly cache = new Map<string, { at: number; medianMs: number | null }>();

  constructor(private readonly backend: ExecutionBackend) {}

  /** Median ms of the last successful runs, or null when there are none yet. Cached briefly: the 202 path stays fast. */
  async medianMs(namespace: string, flowId: string): Promise<number | null> {
    const key = `${namespace}/${flowId}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.medianMs;
    const { results } = await this.backend.search({ namespace, flowId, states: ['SUCCESS'], page: 1, size: SAMPLE });
    const durations = results
      .filter((e) => e.endDate)
      .map((e) => new Date(e.endDate!).getTime() - new Date(e.startDate).getTime())
      .sort((a, b) => a - b);
    const mid = durations.length >> 1;
    const medianMs = durations.length === 0 ? null : durations.length % 2 ? durations[mid]! : (durations[mid - 1]! + durations[mid]!) / 2;
    // No history yet is not cached: the first success should count at once.
    if (medianMs !== null) this.cache.set(key, { at: Date.now(), medianMs });
    return medianMs;
  }

  async estimate(namespace: string, flowId: string, startDate: string): Promise<string | null> {
    const median = await this.medianMs(namespace, flowId);
    return median === null ? null : new Date(new Date(startDate).getTime() + median).toISOString();
  }
}
