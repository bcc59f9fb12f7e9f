// The production engine: Kestra. Clones start through the flow's webhook with the real webhook key, which
// stays here; the other flows through POST /executions/{ns}/{flowId} (their webhooks wait for the end).
// Reads use Kestra's basic-auth credentials, also held only here — a browser never sees either.
import type { KestraClient } from '../../kestra/client.js';
import type { Execution, LogEntry, TaskRun } from '../../kestra/types.js';
import {
  type ExecutionQuery,
  type ExecutionRecord,
  type ExecutionStateName,
  type LogRecord,
  createdExecution,
  isTerminal,
} from '../execution.js';
import { FLOWS, type FlowFacts, flowOutputs } from '../../flows/table.js';
import type { GatewayStore } from '../store/types.js';
import type { ExecutionBackend, StartRequest } from './types.js';
import { tablesFromLines } from '../../util/table-progress-line.js';
import { ValidationError } from '../../util/errors.js';
import type { CloneRequest } from '../../inputs/index.js';
import { encryptOverrides, hasOverrideValues } from '../../clone/override-values.js';

export interface KestraBackendOptions {
  client: KestraClient;
  webhookKey: string;
  /** Records who started what and the redacted inputs (Kestra's webhook cannot carry labels). */
  store: GatewayStore;
  /** RAILCLONE_OUTPUT_KEY, shared with the flow: override values leave here encrypted with it. */
  outputKey?: string;
}

const WEBHOOK_FLOWS = new Set(['clone-staging-api']);
/** The step whose log lines carry each table's rows and bytes. */
const COPY_TASK = 'sync-database';
/** How many of a key's newest runs a started_by search looks at (each costs Kestra one read). */
const BY_KEY_SCAN = 200;

function taskRun(t: TaskRun): ExecutionRecord['taskRuns'][number] {
  const histories = (t.state.histories ?? []).map((h) => ({
    state: h.state as ExecutionStateName,
    date: h.date,
  }));
  return {
    id: t.id,
    taskId: t.taskId,
    state: t.state.current,
    startDate: t.state.startDate ?? histories[0]?.date ?? null,
    endDate: t.state.endDate ?? null,
    attempts: Math.max(1, t.attempts?.length ?? 0),
    // Kestra records no "next attempt" instant; while RETRYING the last history entry is the best we have.
    nextRetryDate: null,
    histories,
  };
}

export function fromKestra(e: Execution, origin: ExecutionRecord | null): ExecutionRecord {
  const histories = (e.state.histories ?? []).map((h) => ({ state: h.state, date: h.date }));
  return {
    id: e.id,
    namespace: e.namespace,
    flowId: e.flowId,
    state: e.state.current,
    startDate: e.state.startDate ?? histories[0]?.date ?? origin?.startDate ?? new Date(0).toISOString(),
    endDate: e.state.endDate ?? null,
    histories,
    taskRuns: (e.taskRunList ?? []).map(taskRun),
    inputs: origin?.inputs ?? {},
    outputs: e.outputs ?? null,
    startedBy: origin?.startedBy ?? e.labels?.find((l) => l.key === 'railclone-key')?.value ?? null,
    error: null,
  };
}

export function fromKestraLog(l: LogEntry, executionId: string): LogRecord {
  const level = l.level === 'TRACE' ? 'DEBUG' : l.level;
  return { executionId, timestamp: l.timestamp, level, taskId: l.taskId ?? null, message: l.message };
}

export class KestraBackend implements ExecutionBackend {
  readonly kind = 'kestra' as const;

  constructor(private readonly opts: KestraBackendOptions) {}

  async start(req: StartRequest): Promise<{ executionId: string }> {
    const { client } = this.opts;
    const id = WEBHOOK_FLOWS.has(req.flowId)
      ? (
          await client.triggerWebhook(
            req.namespace,
            req.flowId,
            this.opts.webhookKey,
            this.sealed(req.inputs),
          )
        ).id
      : (
          await client.createExecution(
            req.namespace,
            req.flowId,
            req.inputs as Record<string, string | number | boolean | object>,
            {
              labels: { 'railclone-key': req.startedBy },
            },
          )
        ).id;
    await this.opts.store.saveExecution(createdExecution(id, req));
    return { executionId: id };
  }

  /**
   * Kestra keeps the webhook body in its execution record (UI, API): override values go in encrypted,
   * and without the key a request that has any is refused before anything starts.
   */
  private sealed(inputs: Record<string, unknown>): Record<string, unknown> {
    const overrides = inputs.variable_overrides as CloneRequest['variable_overrides'] | undefined;
    if (!hasOverrideValues(overrides)) return inputs;
    if (!this.opts.outputKey)
      throw new ValidationError(
        'variable_overrides',
        'variable_overrides cannot be sent to Kestra in clear (it keeps them in the execution record): set RAILCLONE_OUTPUT_KEY on the clone API to the Kestra secret RAILCLONE_OUTPUT_KEY, or leave variable_overrides out',
        { provided: 'values not shown', allowed: 'variable_overrides only with RAILCLONE_OUTPUT_KEY set' },
      );
    return { ...inputs, variable_overrides: encryptOverrides(overrides!, this.opts.outputKey) };
  }

  get(id: string): Promise<ExecutionRecord | null> {
    return this.read(id, true);
  }

  /** One execution; `withProgress` also reads the copy's log lines (a poll does, a history search does not). */
  private async read(id: string, withProgress: boolean): Promise<ExecutionRecord | null> {
    try {
      const [e, origin] = await Promise.all([
        this.opts.client.getExecution(id),
        this.opts.store.getExecution(id),
      ]);
      const [outputs, progress] = await Promise.all([
        e.outputs ?? this.outputsApi(e),
        withProgress ? this.copyProgress(e) : undefined,
      ]);
      return { ...fromKestra({ ...e, outputs }, origin), ...(progress ? { progress } : {}) };
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  }

  /**
   * Kestra 2.0 keeps a finished execution's outputs out of its JSON and serves task outputs from
   * /outputs/{executionId}; the flow's outputs are then rebuilt from the tasks the flow table names.
   */
  private async outputsApi(e: Execution): Promise<Record<string, unknown> | undefined> {
    const facts = (FLOWS as Record<string, FlowFacts>)[e.flowId];
    if (!facts || facts.outputs.length === 0 || !isTerminal(e.state.current)) return undefined;
    const listed = await this.opts.client.listTaskOutputs(e.id);
    const tasks: Record<string, Record<string, unknown> | undefined> = {};
    for (const task of new Set(facts.outputs.map((o) => o.task))) {
      const run = listed.find((o) => o.taskId === task);
      if (!run) continue;
      const out = await this.opts.client.getTaskRunOutputs(e.id, run.taskRunId);
      tasks[task] = (out.vars as Record<string, unknown> | undefined) ?? out;
    }
    return flowOutputs(facts, tasks);
  }

  /**
   * Rows and bytes per table, from the copy's log lines (`railclone task sync-database` writes one per table
   * every few seconds while it copies, and one when it is done): Kestra keeps a running task's logs, not
   * its progress. Read only once the execution has a copy step.
   */
  private async copyProgress(e: Execution): Promise<ExecutionRecord['progress'] | undefined> {
    if (!(e.taskRunList ?? []).some((t) => t.taskId === COPY_TASK)) return undefined;
    const lines = (await this.opts.client.getLogs(e.id)).filter((l) => l.taskId === COPY_TASK);
    const tables = tablesFromLines(lines.map((l) => l.message));
    return tables.length ? { tables } : undefined;
  }

  async logs(id: string): Promise<LogRecord[]> {
    return (await this.opts.client.getLogs(id)).map((l) => fromKestraLog(l, id));
  }

  async *followLogs(id: string, signal: AbortSignal): AsyncIterable<LogRecord> {
    for await (const l of this.opts.client.followLogs(id, { signal })) yield fromKestraLog(l, id);
  }

  async search(q: ExecutionQuery) {
    if (q.startedBy !== undefined) return this.searchByKey(q);
    const page = await this.opts.client.searchExecutions({
      namespace: q.namespace,
      flowId: q.flowId,
      states: q.states,
      // label-execution sets `client` on every clone run.
      labels: q.client !== undefined ? { client: q.client } : undefined,
      startedAfter: q.from,
      startedBefore: q.to,
      page: q.page,
      size: q.size,
    });
    const origins = await Promise.all(page.results.map((e) => this.opts.store.getExecution(e.id)));
    return { results: page.results.map((e, i) => fromKestra(e, origins[i] ?? null)), total: page.total };
  }

  /**
   * Who started a run is known to the gateway's store, not to Kestra (a webhook cannot carry labels): the
   * store's records of this key's runs (newest BY_KEY_SCAN) are the candidates, Kestra gives their states.
   */
  private async searchByKey(q: ExecutionQuery) {
    const origins = await this.opts.store.searchExecutions({
      ...q,
      states: undefined,
      page: 1,
      size: BY_KEY_SCAN,
    });
    const current = await Promise.all(origins.results.map((o) => this.read(o.id, false)));
    const hits = current.filter(
      (e): e is ExecutionRecord => e !== null && (!q.states?.length || q.states.includes(e.state)),
    );
    return { results: hits.slice((q.page - 1) * q.size, q.page * q.size), total: hits.length };
  }

  async close(): Promise<void> {}
}
