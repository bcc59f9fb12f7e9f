// Errors with an HTTP status, in the one error format (src/util/errors.ts).
import { RailcloneError, StepError, ValidationError } from '../util/errors.js';

export class HttpError extends RailcloneError {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message, details);
  }
}

export const unauthorized = (message: string) => new HttpError(401, 'Unauthorized', message);
export const forbidden = (message: string, details: Record<string, unknown> = {}) =>
  new HttpError(403, 'Forbidden', message, details);
export const notFound = (message: string, details: Record<string, unknown> = {}) =>
  new HttpError(404, 'NotFound', message, details);

/** The status an error answers with: ours say it; bad input is 400; a refusal from the clone code 403; a step's verdict 422; else 500. */
export function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  if (err instanceof ValidationError) return 400;
  if (err instanceof RailcloneError && err.code === 'Forbidden') return 403;
  // A step refused the request on what it found in Railway (preview: source missing, name taken).
  if (err instanceof StepError) return 422;
  if (err instanceof RailcloneError && err.code === 'KestraError') return 502;
  return 500;
}
