// Kestra's HTTP failures as RailcloneError: the status, the call, and Kestra's own message.
import { RailcloneError } from '../util/errors.js';

export class KestraError extends RailcloneError {
  constructor(
    message: string,
    readonly status: number | null,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super('KestraError', message, { status, ...details }, options);
  }
}

/** Kestra (Micronaut) error bodies: {message, _embedded:{errors:[{message}]}} or plain text. */
export function kestraMessage(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  try {
    const json = JSON.parse(text) as { message?: unknown; _embedded?: { errors?: { message?: unknown }[] } };
    const parts: string[] = [];
    if (typeof json.message === 'string') parts.push(json.message);
    for (const e of json._embedded?.errors ?? []) {
      if (typeof e.message === 'string' && !parts.includes(e.message)) parts.push(e.message);
    }
    if (parts.length > 0) return parts.join('; ');
  } catch {
    // not JSON: fall through to the text itself
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export function httpError(method: string, path: string, status: number, body: string): KestraError {
  const said = kestraMessage(body);
  const call = `${method} ${path}`;
  const suffix = said ? `: ${said}` : '';
  if (status === 401) {
    return new KestraError(
      `Kestra refused the credentials (401) on ${call}; check KESTRA_USER and KESTRA_PASSWORD against kestra.server.basic-auth${suffix}`,
      status,
      { method, path, kestra: said },
    );
  }
  if (status === 403) {
    return new KestraError(`Kestra forbids ${call} for KESTRA_USER (403)${suffix}`, status, {
      method,
      path,
      kestra: said,
    });
  }
  if (status === 404) {
    return new KestraError(`Kestra has no such resource (404) on ${call}${suffix}`, status, {
      method,
      path,
      kestra: said,
    });
  }
  if (status >= 500) {
    return new KestraError(`Kestra failed (${status}) on ${call}${suffix}`, status, {
      method,
      path,
      kestra: said,
    });
  }
  return new KestraError(`Kestra rejected ${call} (${status})${suffix}`, status, {
    method,
    path,
    kestra: said,
  });
}

export function networkError(method: string, url: string, cause: unknown): KestraError {
  const reason =
    cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
  return new KestraError(
    `cannot reach Kestra at ${url} (${method}): ${reason}; is it running and is KESTRA_URL right?`,
    null,
    { method, url },
    { cause },
  );
}
