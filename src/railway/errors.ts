// Typed Railway errors. Railway answers resolver failures with HTTP 200 and a message, and uses
// the generic INTERNAL_SERVER_ERROR code even for auth failures, so we map on MESSAGE TEXT, as the
// official CLI does (FACTS §4). Messages name the token VARIABLE and the resource, never a value.
import { RailcloneError } from '../util/errors.js';

/** What the failing call was about, so the message can say "cannot access project <id>". */
export interface RailwayErrorContext {
  /** The GraphQL operation name. */
  operation: string;
  /** e.g. `project 1f3…`, `environment 9a…`; never a secret. */
  resource?: string;
  /** The environment variable the token in use came from (RAILWAY_API_TOKEN / RAILWAY_TOKEN). */
  tokenVariable: string;
}

export class RailwayError extends RailcloneError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** Token missing, invalid, or without access to the resource. Not retried. */
export class RailwayAuthError extends RailwayError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('RailwayAuthError', message, details);
  }
}

export class RailwayNotFoundError extends RailwayError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('RailwayNotFoundError', message, details);
  }
}

/** The thing already exists (environment name taken, one TCP proxy per service…). */
export class RailwayConflictError extends RailwayError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('RailwayConflictError', message, details);
  }
}

/** Railway rejected the document itself (HTTP 400 GRAPHQL_VALIDATION_FAILED): a railclone bug. */
export class RailwayValidationError extends RailwayError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('RailwayValidationError', message, details);
  }
}

/**
 * 429 after every retry, or a Retry-After longer than a step may wait (an hourly quota). Retryable:
 * the step fails now and a later attempt (Kestra's task retry) succeeds once the window resets.
 * `retryAfterMs` says when Railway will take requests again, if it said.
 */
export class RailwayRateLimitError extends RailwayError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
    details: Record<string, unknown> = {},
  ) {
    super('RailwayRateLimitError', message, {
      ...details,
      retryAfterMs,
      retryable: true,
      retry_after_seconds: retryAfterMs === null ? null : Math.ceil(retryAfterMs / 1000),
    });
  }
}

/** 5xx, network failure, timeout or a non-JSON body after every retry. */
export class RailwayUnavailableError extends RailwayError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('RailwayUnavailableError', message, details);
  }
}

/** Any other message Railway returned ("Problem processing request", …). */
export class RailwayApiError extends RailwayError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('RailwayApiError', message, details);
  }
}

const MAX_MESSAGE = 300;

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

function about(ctx: RailwayErrorContext): string {
  return ctx.resource ?? `the ${ctx.operation} operation`;
}

/**
 * Maps one GraphQL error message (HTTP 200, `errors[0].message`) to a typed error.
 * `httpStatus` is kept in details for operators.
 */
export function mapGraphQLMessage(
  rawMessage: string,
  ctx: RailwayErrorContext,
  httpStatus = 200,
): RailwayError {
  const message = clip(rawMessage);
  const details = {
    operation: ctx.operation,
    resource: ctx.resource ?? null,
    httpStatus,
    railwayMessage: message,
  };
  const lower = rawMessage.toLowerCase();
  if (lower.includes('project token not found')) {
    return new RailwayAuthError(
      `Invalid RAILWAY_TOKEN: Railway does not know this project token (${ctx.operation}). ` +
        'Create a new one under Project Settings → Tokens, or use RAILWAY_API_TOKEN.',
      details,
    );
  }
  if (lower.includes('not authorized') || lower.includes('unauthorized')) {
    return new RailwayAuthError(
      `${ctx.tokenVariable} cannot access ${about(ctx)} (Railway said "Not Authorized"). Check that the token ` +
        'is valid, belongs to the account or workspace that owns it, and is not a project token used for ' +
        'account-level work (creating or deleting environments needs RAILWAY_API_TOKEN).',
      details,
    );
  }
  if (lower.includes('two factor authentication required')) {
    return new RailwayAuthError(
      `${ctx.tokenVariable} needs two-factor authentication for ${about(ctx)}; use an account or workspace API token.`,
      details,
    );
  }
  if (lower.includes('already exists') || lower.includes('single tcp proxy is allowed')) {
    return new RailwayConflictError(`${about(ctx)}: ${message}`, details);
  }
  if (lower.includes('creating projects too quickly')) {
    return new RailwayRateLimitError(`${about(ctx)}: ${message}`, 30_000, details);
  }
  if (lower.includes('not found')) {
    return new RailwayNotFoundError(`${about(ctx)} was not found (Railway said "${message}").`, details);
  }
  return new RailwayApiError(`Railway could not run ${ctx.operation} for ${about(ctx)}: ${message}`, details);
}

export function validationError(rawMessage: string, ctx: RailwayErrorContext): RailwayValidationError {
  return new RailwayValidationError(
    `Railway rejected railclone's ${ctx.operation} request as invalid GraphQL: ${clip(rawMessage)}. ` +
      "This is a bug in railclone (its operation no longer matches Railway's schema), not in your input; please report it.",
    {
      operation: ctx.operation,
      resource: ctx.resource ?? null,
      httpStatus: 400,
      railwayMessage: clip(rawMessage),
    },
  );
}
