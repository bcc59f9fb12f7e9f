// The parts of Kestra's API objects railclone reads (reference/kestra.md §5). Kestra sends more.

export type ExecutionStateName =
  | 'CREATED'
  | 'SUBMITTED'
  | 'QUEUED'
  | 'RUNNING'
  | 'PAUSED'
  | 'RESTARTED'
  | 'KILLING'
  | 'SUCCESS'
  | 'WARNING'
  | 'FAILED'
  | 'KILLED'
  | 'CANCELLED'
  | 'RETRYING'
  | 'RETRIED'
  | 'SKIPPED'
  | 'BREAKPOINT'
  | 'RESUBMITTED';

export const TERMINAL_STATES: readonly ExecutionStateName[] = [
  'SUCCESS',
  'WARNING',
  'FAILED',
  'KILLED',
  'CANCELLED',
  'SKIPPED',
  'RETRIED',
];

export interface ExecutionState {
  current: ExecutionStateName;
  startDate?: string;
  endDate?: string;
  duration?: string;
  histories?: { state: ExecutionStateName; date: string }[];
}

export interface TaskRun {
  id: string;
  taskId: string;
  parentTaskRunId?: string | null;
  value?: string | null;
  state: ExecutionState;
  attempts?: { state: ExecutionState }[];
  /** Present in 1.x only; 2.0 serves outputs from /outputs/{executionId}. */
  outputs?: Record<string, unknown>;
}

export interface Execution {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision?: number;
  labels?: { key: string; value: string }[];
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  state: ExecutionState;
  taskRunList?: TaskRun[] | null;
  trigger?: { id: string; type: string; variables?: Record<string, unknown> } | null;
  url?: string;
}

export interface PagedResults<T> {
  results: T[];
  total: number;
}

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface LogEntry {
  timestamp: string;
  level: LogLevel;
  message: string;
  namespace?: string;
  flowId?: string;
  taskId?: string | null;
  executionId?: string | null;
  taskRunId?: string | null;
  attemptNumber?: number | null;
  triggerId?: string | null;
  thread?: string;
}

/** One document's verdict from POST /flows/validate. `constraints` is null when valid. */
export interface FlowValidation {
  index: number;
  flow?: string;
  namespace?: string;
  constraints?: string | null;
  warnings?: string[];
  deprecationPaths?: string[];
  outdated?: boolean;
}

/** The answer of a webhook trigger without `returnOutputs`. */
export interface WebhookResponse {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision?: number;
  state?: ExecutionState;
  outputs?: Record<string, unknown>;
  labels?: { key: string; value: string }[];
  url?: string;
}

export interface FlowSummary {
  id: string;
  namespace: string;
  revision?: number;
  disabled?: boolean;
}

/** 2.0's GET /outputs/{executionId}: one entry per task run that has outputs. */
export interface TaskOutputInformation {
  taskId: string;
  taskRunId: string;
  value?: string;
  iteration?: number;
  inline?: boolean;
}
