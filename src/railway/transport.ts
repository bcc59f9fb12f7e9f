// One GraphQL call to Railway with a timeout, failure classification, retries and error mapping.
// graphql-request does the GraphQL part; a fetch wrapper in front of it sorts out what is not
// GraphQL at all (429, 5xx, HTML pages, network drops, timeouts) before graphql-request sees it.
import { ClientError, GraphQLClient } from 'graphql-request';
import { createLogger } from '../util/log.js';
import {
  mapGraphQLMessage,
  RailwayApiError,
  RailwayAuthError,
  RailwayNotFoundError,
  RailwayRateLimitError,
  RailwayUnavailableError,
  validationError,
  type RailwayErrorContext,
} from './errors.js';
import type { Operation } from './resources/operation.js';
import { parseRetryAfter, TransientFailure, withRetry, type RetryPolicy, type Sleep } from './retry.js';

const log = createLogger('railway');

export interface TransportOptions {
  endpoint: string;
  headers: Record<string, string>;
  /** Names the token variable in auth errors. */
  tokenVariable: string;
  retry: RetryPolicy;
  timeoutMs: number;
  sleep: Sleep;
}

export interface CallOptions<T> {
  /** Human name of what the call is about, e.g. `project <id>`; goes into error messages. */
  resource?: string;
  /** Non-idempotent mutations: look up whether an ambiguous attempt happened. */
  recover?: () => Promise<T | undefined>;
  /** Deletes: "not found" after an ambiguous attempt means the first attempt did it. */
  goneMeansDone?: T;
}

// Connection errors that prove the request never reached Railway (safe to resend anything).
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** fetch, with everything that is not a GraphQL answer turned into a TransientFailure. */
function classifyingFetch(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    let res: Response;
    try {
      res = await fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if (isTimeout(err)) throw new TransientFailure('timeout', `no answer within ${timeoutMs} ms`);
      const code = errorCode(err);
      const msg = err instanceof Error ? err.message : String(err);
      throw new TransientFailure('network', `${code ?? msg}`, { ambiguous: !(code && NOT_SENT.has(code)) });
    }
    if (res.status === 429) {
      await res.body?.cancel();
      // Rejected before execution: never ambiguous.
      throw new TransientFailure('rate-limit', 'HTTP 429 Too Many Requests', {
        ambiguous: false,
        status: 429,
        retryAfterMs: parseRetryAfter(res.headers),
      });
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (isTimeout(err)) throw new TransientFailure('timeout', `body not received within ${timeoutMs} ms`);
      throw new TransientFailure('network', `body cut off (${errorCode(err) ?? 'read error'})`);
    }
    let json: boolean;
    try {
      const parsed: unknown = JSON.parse(text);
      json = typeof parsed === 'object' && parsed !== null;
    } catch {
      json = false;
    }
    if (res.status >= 500) {
      throw new TransientFailure('server', `HTTP ${res.status}`, { ambiguous: true, status: res.status });
    }
    if (!json) {
      // Cloudflare answers blocks and challenges with an HTML page (often 403), before Railway runs
      // anything; an HTML 200 is odd enough to treat as ambiguous.
      const cloudflare =
        /cloudflare/i.test(text) || res.headers.get('server')?.toLowerCase() === 'cloudflare';
      throw new TransientFailure(
        'bad-body',
        `HTTP ${res.status} with a non-JSON body${cloudflare ? ' (a Cloudflare page)' : ''}`,
        { ambiguous: res.ok, status: res.status },
      );
    }
    const headers = new Headers(res.headers);
    headers.set('content-type', 'application/json');
    return new Response(text, { status: res.status, statusText: res.statusText, headers });
  };
}

export class Transport {
  private readonly client: GraphQLClient;

  constructor(private readonly opts: TransportOptions) {
    this.client = new GraphQLClient(opts.endpoint, {
      headers: opts.headers,
      fetch: classifyingFetch(opts.timeoutMs),
    });
  }

  /** Sends `op` with `variables`, retrying what is safe to retry; throws typed RailwayErrors. */
  async call<T>(
    op: Operation,
    variables: Record<string, unknown>,
    callOpts: CallOptions<T> = {},
  ): Promise<T> {
    const ctx: RailwayErrorContext = {
      operation: op.name,
      resource: callOpts.resource,
      tokenVariable: this.opts.tokenVariable,
    };
    return withRetry<T>(
      async ({ afterAmbiguous }) => {
        try {
          return await this.once<T>(op, variables, ctx);
        } catch (err) {
          if (
            afterAmbiguous &&
            callOpts.goneMeansDone !== undefined &&
            (err instanceof RailwayNotFoundError || err instanceof RailwayAuthError)
          ) {
            log.info(`${op.name}: ${ctx.resource ?? 'target'} is already gone; the earlier attempt did it`);
            return callOpts.goneMeansDone;
          }
          throw err;
        }
      },
      {
        policy: this.opts.retry,
        sleep: this.opts.sleep,
        idempotent: op.idempotent,
        recover: callOpts.recover,
        onRetry: (f, n, delay) =>
          log.warn(`${op.name} failed (${f.reason}); retry ${n}/${this.opts.retry.retries} in ${delay} ms`),
        giveUp: (f, why) => this.giveUp(f, why, ctx),
      },
    );
  }

  private async once<T>(
    op: Operation,
    variables: Record<string, unknown>,
    ctx: RailwayErrorContext,
  ): Promise<T> {
    try {
      return await this.client.request<T>({ document: op.document, variables });
    } catch (err) {
      if (err instanceof TransientFailure) throw err;
      if (err instanceof ClientError) throw this.mapClientError(err, ctx);
      // graphql-request rejected a JSON body that is not a GraphQL result.
      if (err instanceof Error && /Invalid execution result/.test(err.message)) {
        throw new TransientFailure('bad-body', 'a JSON body that is not a GraphQL result', {
          ambiguous: true,
        });
      }
      throw err;
    }
  }

  // Never reuse ClientError's message: it embeds the request variables (variable values).
  private mapClientError(err: ClientError, ctx: RailwayErrorContext): Error {
    const status = err.response.status;
    const first = err.response.errors?.[0];
    const message = typeof first?.message === 'string' ? first.message : undefined;
    if (status === 400) return validationError(message ?? 'HTTP 400 without a message', ctx);
    if (message !== undefined) return mapGraphQLMessage(message, ctx, status);
    if (status === 401 || status === 403) return mapGraphQLMessage('Not Authorized', ctx, status);
    if (status === 404) {
      return new RailwayApiError(
        `Railway answered 404 at ${this.opts.endpoint}: is RAILWAY_API_URL right? (it should end in /graphql/v2)`,
        { operation: ctx.operation, httpStatus: 404 },
      );
    }
    return new RailwayApiError(
      `Railway answered HTTP ${status} to ${ctx.operation} without an error message`,
      {
        operation: ctx.operation,
        httpStatus: status,
      },
    );
  }

  private giveUp(
    f: TransientFailure,
    why: 'exhausted' | 'not-idempotent' | 'wait-too-long',
    ctx: RailwayErrorContext,
  ) {
    const what = ctx.resource ? `${ctx.operation} (${ctx.resource})` : ctx.operation;
    const details = {
      operation: ctx.operation,
      resource: ctx.resource ?? null,
      reason: f.reason,
      httpStatus: f.status ?? null,
    };
    if (f.kind === 'rate-limit') {
      const wait =
        f.retryAfterMs === null
          ? ' Retry the step later.'
          : ` Railway asks to wait ${Math.ceil(f.retryAfterMs / 1000)} s; retry the step after that.`;
      const tries =
        why === 'wait-too-long'
          ? 'not retried: the wait is longer than the retry cap'
          : `after ${this.opts.retry.retries + 1} attempts`;
      return new RailwayRateLimitError(
        `Railway rate limit hit on ${what}, ${tries}.${wait}`,
        f.retryAfterMs,
        details,
      );
    }
    if (why === 'not-idempotent') {
      return new RailwayUnavailableError(
        `${what} failed (${f.reason}) and may or may not have happened; it was not resent because sending it twice is not safe. Check Railway before retrying.`,
        details,
      );
    }
    return new RailwayUnavailableError(
      `Railway is unavailable: ${what} failed ${this.opts.retry.retries + 1} times, last with ${f.reason}.`,
      details,
    );
  }
}
