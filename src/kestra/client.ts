// A small typed client of Kestra's REST API (tenant paths, /api/v1/{tenant}/…; reference/kestra.md §5).
// fetch only; every failure becomes a KestraError naming the call, the HTTP status and Kestra's message.
import { registerSecret } from '../util/secrets.js';
import { type KestraConfig, basicAuthHeader } from './config.js';
import { KestraError, httpError, networkError } from './errors.js';
import { readSse } from './sse.js';
import type {
  Execution,
  ExecutionStateName,
  FlowSummary,
  FlowValidation,
  LogEntry,
  LogLevel,
  PagedResults,
  TaskOutputInformation,
  WebhookResponse,
} from './types.js';

export type FilterOp =
  | 'EQUALS'
  | 'NOT_EQUALS'
  | 'GREATER_THAN'
  | 'LESS_THAN'
  | 'GREATER_THAN_OR_EQUAL_TO'
  | 'LESS_THAN_OR_EQUAL_TO'
  | 'IN'
  | 'NOT_IN'
  | 'STARTS_WITH'
  | 'CONTAINS'
  | 'PREFIX';

/** One `filters[field][OP]=value` (labels: `filters[labels][OP][key]=value`). */
export interface QueryFilter {
  field: string;
  op: FilterOp;
  value: string | string[];
  key?: string;
}

export interface ExecutionSearch {
  namespace?: string;
  flowId?: string;
  states?: ExecutionStateName[];
  labels?: Record<string, string>;
  startedAfter?: string;
  startedBefore?: string;
  page?: number;
  size?: number;
  sort?: string;
}

export interface LogSearch {
  namespace?: string;
  executionId?: string;
  /** Only logs at or before this instant (ISO-8601). */
  before?: string;
  after?: string;
  minLevel?: LogLevel;
  page?: number;
  size?: number;
  sort?: string;
}

export interface ClientOptions {
  fetch?: typeof fetch;
  /** Per-request timeout for ordinary calls (ms). Waiting webhooks and /follow streams have none. */
  timeoutMs?: number;
}

type Body = string | FormData | undefined;

export class KestraClient {
  private readonly fetchImpl: typeof fetch;
  private readonly auth: string;
  private readonly timeoutMs: number;

  constructor(
    readonly config: KestraConfig,
    options: ClientOptions = {},
  ) {
    this.fetchImpl = options.fetch ?? fetch;
    this.auth = basicAuthHeader(config);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** `/api/v1/{tenant}` + path, with query parameters (arrays repeat the key). */
  apiPath(
    path: string,
    query: Record<string, string | number | boolean | string[] | undefined> = {},
  ): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) params.append(k, item);
      else params.append(k, String(v));
    }
    const qs = params.toString();
    return `/api/v1/${this.config.tenant}${path}${qs ? `?${qs}` : ''}`;
  }

  private async send(
    method: string,
    path: string,
    init: {
      body?: Body;
      contentType?: string;
      accept?: string;
      auth?: boolean;
      timeout?: boolean;
      signal?: AbortSignal;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: init.accept ?? 'application/json' };
    if (init.auth !== false) headers.Authorization = this.auth;
    if (init.contentType) headers['Content-Type'] = init.contentType;
    const signals = [
      init.signal,
      init.timeout === false ? undefined : AbortSignal.timeout(this.timeoutMs),
    ].filter((s): s is AbortSignal => s !== undefined);
    const url = `${this.config.url}${path}`;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers,
        body: init.body,
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      });
    } catch (err) {
      throw networkError(method, this.config.url, err);
    }
    if (!res.ok) throw httpError(method, path.split('?')[0]!, res.status, await res.text().catch(() => ''));
    return res;
  }

  private async json<T>(
    method: string,
    path: string,
    init: Parameters<KestraClient['send']>[2] = {},
  ): Promise<T> {
    const res = await this.send(method, path, init);
    const text = await res.text();
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new KestraError(
        `Kestra answered ${method} ${path.split('?')[0]} with something that is not JSON`,
        res.status,
        {},
        { cause: err },
      );
    }
  }

  // ── health ──────────────────────────────────────────────────────────────────────────────────────

  /** GET /ping: open, answers while the server is up. */
  async ping(): Promise<boolean> {
    try {
      const res = await this.fetchImpl(`${this.config.url}/ping`, { signal: AbortSignal.timeout(5_000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  /** An authenticated call that every Kestra answers: proves the credentials. */
  async checkAuth(): Promise<void> {
    await this.json('GET', this.apiPath('/flows/search', { page: 1, size: 1 }));
  }

  // ── flows ───────────────────────────────────────────────────────────────────────────────────────

  /** POST /flows/validate: one verdict per YAML document; nothing is saved. */
  validateFlows(yaml: string): Promise<FlowValidation[]> {
    return this.json('POST', this.apiPath('/flows/validate'), {
      body: yaml,
      contentType: 'application/x-yaml',
    });
  }

  createFlow(yaml: string): Promise<FlowSummary> {
    return this.json('POST', this.apiPath('/flows'), { body: yaml, contentType: 'application/x-yaml' });
  }

  updateFlow(namespace: string, id: string, yaml: string): Promise<FlowSummary> {
    return this.json('PUT', this.apiPath(`/flows/${enc(namespace)}/${enc(id)}`), {
      body: yaml,
      contentType: 'application/x-yaml',
    });
  }

  /** The flow, or null when Kestra has none by that id. */
  async getFlow(namespace: string, id: string): Promise<FlowSummary | null> {
    try {
      return await this.json<FlowSummary>('GET', this.apiPath(`/flows/${enc(namespace)}/${enc(id)}`));
    } catch (err) {
      if (err instanceof KestraError && err.status === 404) return null;
      throw err;
    }
  }

  /** Creates the flow, or updates it when it exists. */
  async saveFlow(
    namespace: string,
    id: string,
    yaml: string,
  ): Promise<{ flow: FlowSummary; created: boolean }> {
    const existing = await this.getFlow(namespace, id);
    if (existing) return { flow: await this.updateFlow(namespace, id, yaml), created: false };
    return { flow: await this.createFlow(yaml), created: true };
  }

  // ── namespace files ─────────────────────────────────────────────────────────────────────────────

  /** POST /namespaces/{ns}/files?path=… as multipart, part `fileContent` (replaces an existing file). */
  async uploadNamespaceFile(namespace: string, path: string, content: Uint8Array | string): Promise<void> {
    const filePath = path.startsWith('/') ? path : `/${path}`;
    const form = new FormData();
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    form.append(
      'fileContent',
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
      filePath.split('/').pop()!,
    );
    await this.send('POST', this.apiPath(`/namespaces/${enc(namespace)}/files`, { path: filePath }), {
      body: form,
    });
  }

  // ── executions ──────────────────────────────────────────────────────────────────────────────────

  /**
   * POST /executions/webhook/{ns}/{flowId}/{key}. Webhooks are open URLs (kestra.server.basic-auth.open-urls);
   * the key is the only protection, so it is registered as a secret before it can reach an error.
   */
  async triggerWebhook<T = WebhookResponse>(
    namespace: string,
    flowId: string,
    key: string,
    body: unknown,
    options: { wait?: boolean; auth?: boolean } = {},
  ): Promise<T> {
    registerSecret(key);
    return this.json<T>(
      'POST',
      this.apiPath(`/executions/webhook/${enc(namespace)}/${enc(flowId)}/${enc(key)}`),
      {
        body: JSON.stringify(body),
        contentType: 'application/json',
        auth: options.auth ?? false,
        timeout: options.wait ? false : true,
      },
    );
  }

  /** POST /executions/{ns}/{flowId}: inputs as multipart parts, labels as `labels=k:v`. */
  createExecution(
    namespace: string,
    flowId: string,
    inputs: Record<string, string | number | boolean | object> = {},
    options: { labels?: Record<string, string>; wait?: boolean } = {},
  ): Promise<Execution> {
    const form = new FormData();
    for (const [k, v] of Object.entries(inputs))
      form.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    const labels = Object.entries(options.labels ?? {}).map(([k, v]) => `${k}:${v}`);
    return this.json(
      'POST',
      this.apiPath(`/executions/${enc(namespace)}/${enc(flowId)}`, { labels, wait: options.wait }),
      {
        body: form,
        timeout: options.wait ? false : true,
      },
    );
  }

  getExecution(id: string): Promise<Execution> {
    return this.json('GET', this.apiPath(`/executions/${enc(id)}`));
  }

  /** 2.0: the task runs of an execution that have outputs (GET /outputs/{executionId}). */
  listTaskOutputs(executionId: string): Promise<TaskOutputInformation[]> {
    return this.json('GET', this.apiPath(`/outputs/${enc(executionId)}`));
  }

  /** 2.0: one task run's outputs, e.g. `{vars: {…}, exitCode: 0}` (GET /outputs/{executionId}/{taskRunId}). */
  getTaskRunOutputs(executionId: string, taskRunId: string): Promise<Record<string, unknown>> {
    return this.json('GET', this.apiPath(`/outputs/${enc(executionId)}/${enc(taskRunId)}`));
  }

  searchExecutions(search: ExecutionSearch = {}): Promise<PagedResults<Execution>> {
    const filters: QueryFilter[] = [];
    if (search.namespace) filters.push({ field: 'namespace', op: 'EQUALS', value: search.namespace });
    if (search.flowId) filters.push({ field: 'flowId', op: 'EQUALS', value: search.flowId });
    if (search.states?.length) filters.push({ field: 'state', op: 'IN', value: search.states });
    for (const [key, value] of Object.entries(search.labels ?? {}))
      filters.push({ field: 'labels', op: 'EQUALS', key, value });
    if (search.startedAfter)
      filters.push({ field: 'startDate', op: 'GREATER_THAN_OR_EQUAL_TO', value: search.startedAfter });
    if (search.startedBefore)
      filters.push({ field: 'startDate', op: 'LESS_THAN_OR_EQUAL_TO', value: search.startedBefore });
    return this.json(
      'GET',
      this.apiPath('/executions/search', {
        page: search.page ?? 1,
        size: search.size ?? 25,
        sort: search.sort ?? 'state.startDate:desc',
        ...filterParams(filters),
      }),
    );
  }

  // ── logs ────────────────────────────────────────────────────────────────────────────────────────

  /** Every log line of an execution. */
  getLogs(executionId: string): Promise<LogEntry[]> {
    return this.json('GET', this.apiPath(`/logs/${enc(executionId)}`));
  }

  /** SSE of an execution's log lines as they are written. */
  async *followLogs(executionId: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<LogEntry> {
    const res = await this.send('GET', this.apiPath(`/logs/${enc(executionId)}/follow`), {
      accept: 'text/event-stream',
      timeout: false,
      signal: options.signal,
    });
    for await (const ev of readSse(res.body!)) {
      if (ev.data.trim().startsWith('{')) yield JSON.parse(ev.data) as LogEntry;
    }
  }

  searchLogs(search: LogSearch = {}): Promise<PagedResults<LogEntry>> {
    const filters: QueryFilter[] = [];
    if (search.namespace) filters.push({ field: 'namespace', op: 'EQUALS', value: search.namespace });
    if (search.executionId) filters.push({ field: 'executionId', op: 'EQUALS', value: search.executionId });
    if (search.after)
      filters.push({ field: 'startDate', op: 'GREATER_THAN_OR_EQUAL_TO', value: search.after });
    if (search.before) filters.push({ field: 'endDate', op: 'LESS_THAN_OR_EQUAL_TO', value: search.before });
    if (search.minLevel) filters.push({ field: 'level', op: 'EQUALS', value: search.minLevel });
    return this.json(
      'GET',
      this.apiPath('/logs/search', {
        page: search.page ?? 1,
        size: search.size ?? 100,
        sort: search.sort ?? 'timestamp:asc',
        ...filterParams(filters),
      }),
    );
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** Kestra's query-filter syntax (webserver QueryFilterFormatBinder): filters[field][OP](optional [key])=value. */
export function filterParams(filters: QueryFilter[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of filters) {
    const name = `filters[${f.field}][${f.op}]${f.key === undefined ? '' : `[${f.key}]`}`;
    out[name] = Array.isArray(f.value) ? f.value.join(',') : f.value;
  }
  return out;
}
