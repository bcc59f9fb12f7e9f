// The small-deployment engine: runs the flows in this process with the same steps Kestra runs, and records
// each execution (state histories, task runs, logs, redacted inputs, outputs) in the gateway store.
// Clones queue like the flow's `concurrency: {limit: 3, behavior: QUEUE}`, in state QUEUED as Kestra's do.
// At start, `recover()` finds the executions a dead process of this engine left unfinished: those it had
// started are marked FAILED (killed), what their clone created rolled back, and their logs say so; those
// still waiting (CREATED, QUEUED) run now, as Kestra's queue keeps its waiting executions across a
// restart — unless their stored inputs were redacted (a secret the store never keeps): those fail, asking
// for a new request.
import { removeExecutionLeftovers } from '../../clone/cleanup.js';
import { currentRunner, runnerAlive } from '../../clone/ownership.js';
import type { RailwayApi } from '../../railway/types.js';
import { ValidationError, toErrorBody } from '../../util/errors.js';
import {
  type ExecutionQuery,
  type ExecutionRecord,
  type LogRecord,
  type ExecutionStateName,
  createdExecution,
  isTerminal,
} from '../execution.js';
import { executionId } from '../ids.js';
import type { GatewayStore } from '../store/types.js';
import type { ExecutionBackend, StartRequest } from './types.js';
import { LOCAL_FLOWS } from './local-flows.js';
import { FLOWS } from '../../flows/table.js';
import { wasRedacted } from '../redact-inputs.js';
import { ExecutionRecorder } from './recorder.js';

export interface LocalBackendOptions {
  store: GatewayStore;
  railway: RailwayApi;
  defaultProjectId?: string;
  outputKey?: string;
  /** Clones running at once; the rest wait in QUEUED. Default: the flow's concurrency limit. */
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
    const record = { ...createdExecution(executionId(), req), runner: currentRunner() };
    // The 202 must never point at an execution the store does not know yet.
    await this.opts.store.saveExecution(record);
    this.launch(new ExecutionRecorder(this.opts.store, record), req.inputs);
    return { executionId: record.id };
  }

  private launch(rec: ExecutionRecorder, inputs: Record<string, unknown>): void {
    const flowId = rec.record.flowId;
    const runner = LOCAL_FLOWS[flowId]!;
    const run = this.run(rec, () => runner(this.opts, inputs, rec), flowId === 'clone-staging-api');
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async run(
    rec: ExecutionRecorder,
    body: () => ReturnType<(typeof LOCAL_FLOWS)[string]>,
    limited: boolean,
  ): Promise<void> {
    if (limited) await this.acquire(() => rec.setState('QUEUED'));
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

  private acquire(onWait: () => void): Promise<void> {
    const limit = this.opts.cloneConcurrency ?? FLOWS['clone-staging-api'].concurrency?.limit ?? 3;
    if (this.running < limit) {
      this.running++;
      return Promise.resolve();
    }
    onWait();
    return new Promise((resolve) => this.queue.push(() => resolve()));
  }

  /**
   * The executions a dead process of this engine left unfinished (its runner's process is gone, or it
   * has none): FAILED, with the reason in their logs, and what a clone created rolled back. Executions
   * of a live process, or of another machine sharing the store, are left to it.
   */
  async recover(namespaces: string[]): Promise<{ failed: string[]; resumed: string[] }> {
    const WAITING: ExecutionStateName[] = ['CREATED', 'QUEUED', 'RUNNING', 'RETRYING', 'PAUSED'];
    const recovered: string[] = [];
    const waiting: ExecutionRecord[] = [];
    for (const namespace of new Set(namespaces))
      for (const flowId of Object.keys(LOCAL_FLOWS)) {
        const { results } = await this.opts.store.searchExecutions({
          namespace,
          flowId,
          states: WAITING,
          page: 1,
          size: 1000,
        });
        for (const exec of results) {
          if (runnerAlive(exec.runner) !== false && exec.runner) continue;
          if ((exec.state === 'CREATED' || exec.state === 'QUEUED') && !wasRedacted(exec.inputs)) {
            waiting.push(exec);
            continue;
          }
          await this.recoverOne(exec);
          recovered.push(exec.id);
        }
      }
    // After the dead process's started executions are settled, its waiting ones, oldest first.
    waiting.sort((a, b) => a.startDate.localeCompare(b.startDate));
    for (const exec of waiting) await this.resume(exec);
    return { failed: recovered, resumed: waiting.map((e) => e.id) };
  }

  /** A waiting execution of a dead process, run by this one (it keeps its place: QUEUED until a slot frees). */
  private async resume(exec: ExecutionRecord): Promise<void> {
    const record: ExecutionRecord = { ...exec, runner: currentRunner() };
    const rec = new ExecutionRecorder(this.opts.store, record);
    rec
      .logger('recovery')
      .warn(
        `the clone API stopped while this execution was ${exec.state} (waiting, nothing started); it runs now in process ${record.runner!.pid}, as Kestra's queue keeps waiting executions across a restart`,
      );
    await rec.flush();
    this.launch(rec, exec.inputs);
  }

  private async recoverOne(exec: ExecutionRecord): Promise<void> {
    const rec = new ExecutionRecorder(this.opts.store, exec);
    const log = rec.logger('recovery');
    const was = exec.state;
    log.error(
      `the clone API stopped while this execution was ${was} (process ${exec.runner?.pid ?? '?'} on ${exec.runner?.host ?? '?'}); marked FAILED after its restart`,
    );
    for (const run of exec.taskRuns.filter((t) => !isTerminal(t.state)))
      rec.onProgress({ kind: 'step', step: run.taskId, status: 'failed' });
    let rolledBack: string[] | null = null;
    if (exec.flowId === 'clone-staging-api' && was !== 'CREATED' && was !== 'QUEUED') {
      const inputs = exec.inputs as { railway_project_id?: string; target_project_id?: string };
      const projects = [inputs.railway_project_id ?? this.opts.defaultProjectId, inputs.target_project_id];
      rolledBack = [];
      for (const projectId of projects.filter((p): p is string => Boolean(p)))
        rolledBack.push(
          ...(await removeExecutionLeftovers(this.opts.railway, projectId, exec.id, (l) =>
            log.info(`rollback: ${l}`),
          ).catch((err: Error) => {
            log.error(`rollback failed: ${err.message}; \`railclone env cleanup\` removes it later`);
            return [];
          })),
        );
      log.info(
        rolledBack.length
          ? `rolled back: ${rolledBack.join('; ')}`
          : 'rollback: nothing of this execution was left on Railway',
      );
    }
    rec.finish('FAILED', null, {
      error: 'Killed',
      message:
        was === 'CREATED' || was === 'QUEUED'
          ? `the clone API stopped while this execution was ${was}; its stored inputs lost redacted values, so it cannot run as sent — submit it again`
          : `the clone API stopped while this execution was ${was}; it was marked FAILED and rolled back at restart`,
      details: { recovered: true, previous_state: was, rolled_back: rolledBack },
    });
    await rec.flush();
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
