// The engine behind the gateway. Kestra in production; the local backend (same steps, in this process)
// when no KESTRA_URL is configured. The gateway never cares which one runs the flow.
import type { ExecutionQuery, ExecutionRecord, LogRecord } from '../execution.js';

export interface StartRequest {
  namespace: string;
  flowId: string;
  /** Already validated against the flow's schema (output of parseInput). */
  inputs: Record<string, unknown>;
  /** Redacted copy, the only form that may be stored. */
  redactedInputs: Record<string, unknown>;
  startedBy: string;
}

export interface ExecutionBackend {
  readonly kind: 'kestra' | 'local';
  /** Starts the flow and returns at once with the execution id (no waiting for the run). */
  start(req: StartRequest): Promise<{ executionId: string }>;
  get(id: string): Promise<ExecutionRecord | null>;
  logs(id: string): Promise<LogRecord[]>;
  /** Log lines as they are written, ending when the execution ends or `signal` aborts. */
  followLogs(id: string, signal: AbortSignal): AsyncIterable<LogRecord>;
  search(q: ExecutionQuery): Promise<{ results: ExecutionRecord[]; total: number }>;
  /** Calls `listener` with each execution this process saw end (the local backend); absent when runs end elsewhere (Kestra). */
  onFinished?(listener: (exec: ExecutionRecord) => void): void;
  close(): Promise<void>;
}
