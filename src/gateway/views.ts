// The stable response shapes frontends read: snake_case, durations in ms, ISO instants.
import type { ExecutionRecord, LogRecord } from './execution.js';
import { isTerminal } from './execution.js';

const ms = (from: string | null, to: string | null) =>
  from && to ? new Date(to).getTime() - new Date(from).getTime() : null;

export function taskView(t: ExecutionRecord['taskRuns'][number], now: Date) {
  return {
    name: t.taskId,
    state: t.state,
    start_date: t.startDate,
    end_date: t.endDate,
    duration_ms: t.startDate ? ms(t.startDate, t.endDate ?? now.toISOString()) : null,
    attempts: t.attempts,
    next_retry_at: t.state === 'RETRYING' ? t.nextRetryDate : null,
  };
}

export function executionView(e: ExecutionRecord, estimated: string | null, now = new Date()) {
  const done = isTerminal(e.state);
  return {
    id: e.id,
    namespace: e.namespace,
    flow_id: e.flowId,
    state: e.state,
    start_date: e.startDate,
    end_date: e.endDate,
    elapsed_ms: ms(e.startDate, e.endDate ?? now.toISOString()),
    estimated_completion: done ? null : estimated,
    started_by: e.startedBy,
    tasks: e.taskRuns.map((t) => taskView(t, now)),
    histories: e.histories,
    outputs: done ? (e.outputs ?? {}) : null,
    error: done ? e.error : null,
    // Null until the copy step has said something about a table (both engines).
    progress: e.progress
      ? {
          tables: e.progress.tables.map((t) => ({
            table: t.table,
            status: t.status,
            rows: t.rows,
            bytes: t.bytes,
            total_rows: t.totalRows,
            chunks: t.chunks ?? null,
            eta_seconds: t.etaSeconds ?? null,
          })),
        }
      : null,
  };
}

export function historyView(e: ExecutionRecord) {
  return {
    id: e.id,
    state: e.state,
    start_date: e.startDate,
    end_date: e.endDate,
    duration_ms: ms(e.startDate, e.endDate),
    inputs: e.inputs,
    outputs: e.outputs,
    started_by: e.startedBy,
  };
}

export function logView(l: LogRecord) {
  return { timestamp: l.timestamp, level: l.level, task: l.taskId, message: l.message };
}
