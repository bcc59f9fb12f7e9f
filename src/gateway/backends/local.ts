// The small-deployment engine: runs the flows in this process with the same steps Kestra runs, and records
// each execution (state histories, task runs, logs, redacted inputs, outputs) in the gateway store.
// Clones queue like the flow's `concurrency: {limit: 3, behavior: QUEUE}`.
import type { RailwayApi } from '../../railway/types.js';
import { ValidationError, toErrorBody } from '../../util/errors.js';
import {
  type ExecutionQuery,
  type ExecutionRecord,
  type LogRecord,
  createdExecution,
  isTerminal,
} from '../execution.js';
import { executionId } from '../ids.js';
import type { GatewayStore } from '../store/types.js';
import type { ExecutionBackend, StartRequest } from './types.js';
import { LOCAL_FLOWS } from './local-flows.js';
import { ExecutionRecorder } from './recorder.js';

export interface LocalBackendOptions {
  store: GatewayStore;
  railway: RailwayApi;
  defaultProjectId?: string;
  outputKey?: string;
  /** Clones running at once; the rest wait in CREATED. */
  cloneConcurrency?: number;
  /** How often a log follower looks for new lines (ms). */
  followIntervalMs?: number;
}

export class LocalBackend implements ExecutionBackend {
  readonly kind = 'local' as const;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  private readonly finishedListeners: ((exec: ExecutionRecord) => void)[] = [];

  constructor(private readonly opts: LocalBackendOptions) {}

  async start(req: StartRequest): Promise<{ executionId: string }> {
    const runner = LOCAL_FLOWS[req.flowId];
    if (!runner)
      throw new ValidationError('flowId', `no flow "${req.flowId}"`, {
        provided: req.flowId,
        allowed: Object.keys(LOCAL_FLOWS),
      });
    const record = createdExecution(executionId(), req);
    const rec = new ExecutionRecorder(this.opts.store, record);
    // The 202 must never point at an execution the store does not know yet.
    await this.opts.store.saveExecution(record);
    const run = this.run(rec, () => runner(this.opts, req.inputs, rec), req.flowId === 'clone-staging-api');
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return { executionId: record.id };
  }

  private async run(
    rec: ExecutionRecorder,
    body: () => ReturnType<(typeof LOCAL_FLOWS)[string]>,
    limited: boolean,
  ): Promise<void> {
    if (limited) await this.acquire();
    try {
      rec.setState('RUNNING');
      const result = await body().catch((err: unknown) => ({
        ok: false,
        outputs: null,
        error: toErrorBody(err),
      }));
      rec.finish(result.ok ? 'SUCCESS' : 'FAILED', result.outputs, result.error);
    } finally {
      if (limited) this.release();
      await rec.flush().catch(() => undefined);
      // After the final record is stored, so a listener that re-reads the store sees it.
      for (const l of this.finishedListeners) l(rec.record);
    }
  }

  onFinished(listener: (exec: ExecutionRecord) => void): void {
    this.finishedListeners.push(listener);
  }

  private acquire(): Promise<void> {
    const limit = this.opts.cloneConcurrency ?? 3;
    if (this.running < limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(() => resolve()));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.running--;
  }

  get(id: string): Promise<ExecutionRecord | null> {
    return this.opts.store.getExecution(id);
  }

  logs(id: string): Promise<LogRecord[]> {
    return this.opts.store.getLogs(id);
  }

  async *followLogs(id: string, signal: AbortSignal): AsyncIterable<LogRecord> {
    // Polls the store rather than an in-memory emitter, so a follower on another gateway instance sharing
    // the PostgreSQL store sees the lines too.
    let seen = 0;
    const interval = this.opts.followIntervalMs ?? 250;
    while (!signal.aborted) {
      const exec = await this.opts.store.getExecution(id);
      const lines = await this.opts.store.getLogs(id, seen);
      seen += lines.length;
      for (const l of lines) yield l;
      if (!exec || isTerminal(exec.state)) {
        const tail = await this.opts.store.getLogs(id, seen);
        for (const l of tail) yield l;
        return;
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  search(q: ExecutionQuery) {
    return this.opts.store.searchExecutions(q);
  }

  /** Waits for running executions to be recorded (they are not cancelled: a half-made clone is worse). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }
}
