// One error format everywhere: {"error": "...", "message": "...", "details": {...}}.
import { redact } from './secrets.js';

export interface ErrorBody {
  error: string;
  message: string;
  details: Record<string, unknown>;
}

/** Base of every error railclone raises on purpose. `code` is stable; `message` is for people. */
export class RailcloneError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(redact(message), options);
    this.name = new.target.name;
  }

  toBody(): ErrorBody {
    return {
      error: this.code,
      message: this.message,
      details: JSON.parse(redact(JSON.stringify(this.details))),
    };
  }
}

/** Bad input: names the field, what was given and what is allowed. */
export class ValidationError extends RailcloneError {
  constructor(
    readonly field: string,
    message: string,
    extra: {
      provided?: unknown;
      missing?: boolean;
      pattern?: string;
      allowed?: unknown;
      issues?: unknown[];
    } = {},
  ) {
    super('ValidationError', message, { field, ...extra });
  }
}

/** A step of the clone failed; names the step so operators know where to look. */
export class StepError extends RailcloneError {
  constructor(
    readonly step: string,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super('StepError', `${step}: ${message}`, { step, ...details }, options);
  }
}

/** Turns anything thrown into the error body, never leaking a registered secret. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof RailcloneError) return err.toBody();
  const message = err instanceof Error ? err.message : String(err);
  return { error: 'InternalError', message: redact(message), details: {} };
}
