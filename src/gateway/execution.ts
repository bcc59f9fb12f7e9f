// What the gateway knows about one execution, whichever engine ran it. Shaped like Kestra's Execution
// (reference/kestra.md §5) so the Kestra backend maps 1:1 and the local backend records the same thing.
import type { ExecutionStateName } from '../kestra/types.js';
import type { TableLine } from '../util/table-progress-line.js';

export type { ExecutionStateName };

export const TERMINAL: readonly ExecutionStateName[] = [
  'SUCCESS',
  'WARNING',
  'FAILED',
  'KILLED',
  'CANCELLED',
  'SKIPPED',
  'RETRIED',
];

export interface StateHistory {
  state: ExecutionStateName;
  date: string;
}

export interface TaskRunRecord {
  id: string;
  taskId: string;
  state: ExecutionStateName;
  startDate: string | null;
  endDate: string | null;
  attempts: number;
  /** While the task waits for its next attempt. */
  nextRetryDate: string | null;
  histories: StateHistory[];
}

/** One table's copy as the data layer reports it (the same record the log lines carry). */
export type TableProgressRecord = TableLine;

export interface ExecutionRecord {
  id: string;
  namespace: string;
  flowId: string;
  state: ExecutionStateName;
  startDate: string;
  endDate: string | null;
  histories: StateHistory[];
  taskRuns: TaskRunRecord[];
  /** Redacted before they are stored. */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  /** API key id that started it (null: started outside the gateway). */
  startedBy: string | null;
  error: { error: string; message: string; details: Record<string, unknown> } | null;
  /** The data copy per table (the local engine's events; with Kestra, read from sync-database's log lines). */
  progress?: { tables: TableProgressRecord[] };
  /** The process that runs it (local engine): a restart recovers what a dead one left RUNNING. */
  runner?: { host: string; pid: number };
}

export interface LogRecord {
  executionId: string;
  timestamp: string;
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  taskId: string | null;
  message: string;
}

export interface ExecutionQuery {
  namespace: string;
  flowId: string;
  states?: ExecutionStateName[];
  from?: string;
  to?: string;
  /** Exact client_name of the request (a clone's inputs). */
  client?: string;
  /** Exact id of the API key that started it. */
  startedBy?: string;
  page: number;
  size: number;
}

/** Whether a record passes the query's client and started-by filters (stores that filter in memory). */
export function matchesWho(
  e: { startedBy: string | null; inputs: { client_name?: unknown } | null },
  q: Pick<ExecutionQuery, 'client' | 'startedBy'>,
): boolean {
  return (
    (q.client === undefined || e.inputs?.client_name === q.client) &&
    (q.startedBy === undefined || e.startedBy === q.startedBy)
  );
}

export function isTerminal(state: ExecutionStateName): boolean {
  return TERMINAL.includes(state);
}

/** A just-started execution, as both engines record it before anything has run. */
export function createdExecution(
  id: string,
  req: { namespace: string; flowId: string; redactedInputs: Record<string, unknown>; startedBy: string },
  now = new Date().toISOString(),
): ExecutionRecord {
  return {
    id,
    namespace: req.namespace,
    flowId: req.flowId,
    state: 'CREATED',
    startDate: now,
    endDate: null,
    histories: [{ state: 'CREATED', date: now }],
    taskRuns: [],
    inputs: req.redactedInputs,
    outputs: null,
    startedBy: req.startedBy,
    error: null,
  };
}
