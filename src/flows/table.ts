// The flows as facts, kept once: which tasks each flow runs in which order, how each task is retried,
// how many clones may run at once, and what a finished flow answers. Kestra runs flows/*.yml, the clone
// API's in-process engine runs src/gateway/backends/local-flows.ts; both follow this table
// (test/unit/flows-structure.test.ts checks the YAML against it, the in-process engine reads it).
// Pure data: nothing here imports a step, so every layer may read it.

/** Kestra's `retry: {type: exponential}`: attempt n waits interval·2^(n-1), at most maxInterval. */
export interface RetryPolicy {
  type: 'exponential';
  /** ISO-8601 durations, as the YAML writes them. */
  interval: string;
  maxInterval: string;
  maxAttempts: number;
  maxDuration?: string;
  warningOnRetry?: boolean;
}

/** Kestra output types the flows use (Kestra 1.3 and 2.0 both have them). */
export type OutputType = 'STRING' | 'INT' | 'FLOAT' | 'JSON';

export interface FlowOutput {
  id: string;
  type: OutputType;
  /** The task whose `vars` hold the value, and the key there. */
  task: string;
  key: string;
  /** Null when the flow did not produce it (e.g. no basic auth, no expiry); Kestra then stores null. */
  nullable: boolean;
}

export interface FlowFacts {
  id: string;
  /** Script tasks in order (each runs `node railclone.mjs task <id>`), plus core tasks named in `coreTasks`. */
  tasks: readonly string[];
  /** Tasks that are Kestra core tasks rather than railclone steps (e.g. the Labels task). */
  coreTasks?: readonly string[];
  errors?: readonly string[];
  finally?: readonly string[];
  concurrency?: { limit: number; behavior: 'QUEUE' | 'CANCEL' | 'FAIL' };
  outputs: readonly FlowOutput[];
}

const exponential = (
  maxAttempts: number,
  interval = 'PT5S',
  maxInterval = 'PT1M',
  extra: Partial<RetryPolicy> = {},
): RetryPolicy => ({ type: 'exponential', interval, maxInterval, maxAttempts, ...extra });

/** Retry of every task that has one (a task not named here runs once). */
export const RETRIES: Readonly<Record<string, RetryPolicy>> = {
  // Idempotent: a retry finds the environment it created.
  'create-environment': exponential(3, 'PT10S', 'PT2M', { warningOnRetry: false }),
  // A copy restarts from scratch on the target; bounded so a broken source fails the clone.
  'sync-database': exponential(4, 'PT5S', 'PT1M', { maxDuration: 'PT8H', warningOnRetry: true }),
  rollback: exponential(3),
  'close-database-access': exponential(3),
  'delete-environment': exponential(3),
};

/** The clone steps, in the order both engines run them. */
export const CLONE_TASKS = [
  'validate-inputs',
  'preflight',
  'plan',
  'create-environment',
  'wait-for-databases',
  'sync-database',
  'wordpress-search-replace',
  'configure-basic-auth',
  'assign-domain',
  'finalize',
] as const;

const fin = (id: string, type: OutputType, nullable = false, key = id): FlowOutput => ({
  id,
  type,
  task: 'finalize',
  key,
  nullable,
});

export const FLOWS = {
  'clone-staging-api': {
    id: 'clone-staging-api',
    tasks: CLONE_TASKS,
    coreTasks: ['label-execution'],
    errors: ['rollback'],
    finally: ['close-database-access'],
    concurrency: { limit: 3, behavior: 'QUEUE' },
    outputs: [
      fin('staging_url', 'STRING', true),
      fin('environment_name', 'STRING'),
      fin('environment_id', 'STRING'),
      fin('database_size', 'INT'),
      fin('duration', 'FLOAT'),
      fin('expires_at', 'STRING', true),
      fin('basic_auth_user', 'STRING', true),
      {
        id: 'basic_auth_password_encrypted',
        type: 'STRING',
        task: 'configure-basic-auth',
        key: 'basic_auth_password_encrypted',
        nullable: true,
      },
    ],
  },
  'list-environments': {
    id: 'list-environments',
    tasks: ['list-environments'],
    outputs: [{ id: 'result', type: 'JSON', task: 'list-environments', key: 'result', nullable: false }],
  },
  'get-environment': {
    id: 'get-environment',
    tasks: ['get-environment'],
    outputs: [{ id: 'result', type: 'JSON', task: 'get-environment', key: 'result', nullable: false }],
  },
  'delete-environment': {
    id: 'delete-environment',
    tasks: ['delete-environment'],
    concurrency: { limit: 1, behavior: 'QUEUE' },
    outputs: [{ id: 'result', type: 'JSON', task: 'delete-environment', key: 'result', nullable: false }],
  },
  'cleanup-expired-environments': {
    id: 'cleanup-expired-environments',
    tasks: ['cleanup-expired'],
    concurrency: { limit: 1, behavior: 'CANCEL' },
    outputs: [],
  },
} as const satisfies Record<string, FlowFacts>;

export type FlowId = keyof typeof FLOWS;

/** Milliseconds before attempt `attempt + 1` (attempt counts from 1), as Kestra's exponential retry waits. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(isoMs(policy.interval) * 2 ** (attempt - 1), isoMs(policy.maxInterval));
}

/** PTnHnMnS → ms (the only durations this table writes). */
export function isoMs(duration: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
  if (!m || duration === 'PT') throw new Error(`not a PTnHnMnS duration: ${duration}`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

/** The declared outputs of a flow, read from its tasks' outputs (what Kestra's `outputs:` renders). */
export function flowOutputs(
  flow: FlowFacts,
  taskOutputs: Record<string, Record<string, unknown> | undefined>,
): Record<string, unknown> {
  return Object.fromEntries(flow.outputs.map((o) => [o.id, taskOutputs[o.task]?.[o.key] ?? null]));
}
