// Records one local execution the way Kestra would: state with histories, a task run per step (attempts,
// next retry while waiting), log lines with task names. Every change is written to the store in order.
import type { Logger, LogLevel } from '../../util/log.js';
import { redact } from '../../util/secrets.js';
import type { ProgressEvent } from '../../util/progress.js';
import { formatTableLine } from '../../util/table-progress-line.js';
import type { ExecutionRecord, ExecutionStateName, LogRecord, TaskRunRecord } from '../execution.js';
import type { GatewayStore } from '../store/types.js';

// runStep (src/clone/pipeline.ts) announces a retry with this warning; it is the only place the delay is known.
const RETRY_NOTICE = /retrying in ([\d.]+) s \(attempt (\d+) of (\d+)\)/;
/** A table's rows and bytes reach the store at most this often while it copies (the copy emits every 250 ms). */
export const PROGRESS_SAVE_MS = 1000;
const LEVEL: Record<LogLevel, LogRecord['level']> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

export class ExecutionRecorder {
  private writes: Promise<void> = Promise.resolve();
  private runSeq = 0;
  private lastProgressSave = 0;

  constructor(
    private readonly store: GatewayStore,
    readonly record: ExecutionRecord,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private stamp(): string {
    return this.now().toISOString();
  }

  /** Queues a save of the record as it is now; saves happen one after another, in order. */
  private save(): void {
    const snapshot = structuredClone(this.record);
    this.writes = this.writes.then(() => this.store.saveExecution(snapshot));
  }

  setState(state: ExecutionStateName): void {
    this.record.state = state;
    this.record.histories.push({ state, date: this.stamp() });
    this.save();
  }

  finish(
    state: ExecutionStateName,
    outputs: Record<string, unknown> | null,
    error: ExecutionRecord['error'],
  ): void {
    this.record.outputs = outputs;
    this.record.error = error;
    this.record.endDate = this.stamp();
    this.setState(state);
  }

  private taskState(run: TaskRunRecord, state: ExecutionStateName, end = false): void {
    run.state = state;
    run.histories.push({ state, date: this.stamp() });
    if (end) run.endDate = this.stamp();
  }

  private lastRun(taskId: string): TaskRunRecord | undefined {
    return [...this.record.taskRuns].reverse().find((t) => t.taskId === taskId);
  }

  /** A task that is not a pipeline step (list, get, delete) runs through here. */
  onProgress = (ev: ProgressEvent): void => {
    // Copy and deploy progress become log lines of the running task, as a Kestra task's would.
    const running = () =>
      [...this.record.taskRuns].reverse().find((t) => t.state === 'RUNNING')?.taskId ?? null;
    if (ev.kind === 'table') this.tableProgress(ev);
    if (ev.kind === 'table' && ev.status === 'done')
      this.log('info', running(), formatTableLine({ ...ev, status: 'done' }));
    if (ev.kind === 'service') this.log('info', running(), `service ${ev.service}: ${ev.status}`);
    if (ev.kind !== 'step') return;
    let run = this.lastRun(ev.step);
    if (ev.status === 'started') {
      if (run && (run.state === 'FAILED' || run.state === 'RETRYING')) {
        run.attempts += 1;
        run.nextRetryDate = null;
        run.endDate = null;
        this.taskState(run, 'RUNNING');
      } else {
        run = {
          id: `${this.record.id}-${++this.runSeq}`,
          taskId: ev.step,
          state: 'RUNNING',
          startDate: this.stamp(),
          endDate: null,
          attempts: 1,
          nextRetryDate: null,
          histories: [],
        };
        run.histories.push({ state: 'RUNNING', date: run.startDate! });
        this.record.taskRuns.push(run);
      }
    } else if (run) {
      this.taskState(
        run,
        ev.status === 'succeeded' ? 'SUCCESS' : ev.status === 'failed' ? 'FAILED' : 'SKIPPED',
        true,
      );
    }
    this.save();
  };

  /** Rows and bytes of a table while it copies, so a poll sees them before the table ends. */
  private tableProgress(ev: Extract<ProgressEvent, { kind: 'table' }>): void {
    const tables = (this.record.progress ??= { tables: [] }).tables;
    const row = {
      table: ev.table,
      status: ev.status === 'done' ? ('done' as const) : ('copying' as const),
      rows: ev.rows,
      bytes: ev.bytes,
      totalRows: ev.totalRows ?? null,
      chunks: ev.chunks ?? null,
      etaSeconds: ev.status === 'done' ? null : (ev.etaSeconds ?? null),
    };
    // A retried copy starts its table again: the same row, not a second one.
    const i = tables.findIndex((t) => t.table === ev.table);
    if (i >= 0) tables[i] = row;
    else tables.push(row);
    const now = this.now().getTime();
    if (ev.status === 'progress' && now - this.lastProgressSave < PROGRESS_SAVE_MS) return;
    this.lastProgressSave = now;
    this.save();
  }

  private log(level: LogLevel, taskId: string | null, message: string): void {
    const line: LogRecord = {
      executionId: this.record.id,
      timestamp: this.stamp(),
      level: LEVEL[level],
      taskId,
      message: redact(message),
    };
    const retry = level === 'warn' ? RETRY_NOTICE.exec(message) : null;
    if (retry) {
      const failed = [...this.record.taskRuns].reverse().find((t) => t.state === 'FAILED');
      if (failed) {
        this.taskState(failed, 'RETRYING');
        failed.nextRetryDate = new Date(this.now().getTime() + Number(retry[1]) * 1000).toISOString();
        this.save();
      }
    }
    this.writes = this.writes.then(() => this.store.appendLogs([line]));
  }

  /** A Logger whose first child scope names the task, like Kestra's per-task logs. */
  logger(taskId: string | null = null): Logger {
    const emit = (level: LogLevel) => (m: string) => this.log(level, taskId, m);
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (scope) => this.logger(taskId ?? scope),
    };
  }

  /** Resolves once everything recorded so far is in the store. */
  async flush(): Promise<void> {
    await this.writes;
  }
}
