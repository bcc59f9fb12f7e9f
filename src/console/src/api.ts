// The one way the console talks to the clone API: same origin, the key from sessionStorage as a Bearer
// header (never a URL, never localStorage), errors as ApiError with the API's {error, message, details}.
import { EventSourceParserStream } from 'eventsource-parser/stream';
export const NAMESPACE = 'railclone';
const BASE = '/api/v1/main';
const KEY_ITEM = 'railclone.api-key';
const PROJECT_ITEM = 'railclone.project';

export const apiKey = {
  get: (): string | null => sessionStorage.getItem(KEY_ITEM),
  set: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
};

/** The Railway project chosen in the picker (a key whose token sees several); null = the API's default. */
export const project = {
  get: (): string | null => sessionStorage.getItem(PROJECT_ITEM),
  set: (id: string) => sessionStorage.setItem(PROJECT_ITEM, id),
  clear: () => sessionStorage.removeItem(PROJECT_ITEM),
};

/** `railway_project_id` for a request body, when a project was chosen. */
export const projectField = (): { railway_project_id?: string } => {
  const id = project.get();
  return id ? { railway_project_id: id } : {};
};

export const SIGNED_OUT = 'railclone-signed-out';
export function signOut(): void {
  apiKey.clear();
  project.clear();
  window.dispatchEvent(new Event(SIGNED_OUT));
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Seconds, from Retry-After (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

export async function api<T>(
  path: string,
  init: { method?: 'GET' | 'POST' | 'DELETE'; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const key = apiKey.get();
  if (!key) throw new ApiError(401, 'Unauthorized', 'not signed in');
  const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${BASE}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!res.ok) throw await errorOf(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** The API's error answer as an ApiError (its {error, message, details}, and Retry-After). */
async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const e = (body ?? {}) as { error?: string; message?: string; details?: Record<string, unknown> };
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(
    res.status,
    e.error ?? res.statusText,
    e.message ?? `${res.status} ${res.statusText}`,
    e.details ?? {},
    Number.isFinite(retry) && retry > 0 ? retry : null,
  );
}

/**
 * Follows a server-sent event stream. fetch, not EventSource: EventSource cannot send the key as a
 * header, and the key must never be in a URL. Resolves when the server ends the stream.
 */
export async function follow(
  path: string,
  onEvent: (event: string, data: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const key = apiKey.get();
  if (!key) throw new ApiError(401, 'Unauthorized', 'not signed in');
  const res = await fetch(`${BASE}${path}`, {
    headers: { Authorization: `Bearer ${key}`, Accept: 'text/event-stream' },
    signal,
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!res.ok || !res.body) throw await errorOf(res);
  const reader = res.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read())
    onEvent(r.value.event ?? 'message', r.value.data);
}

const enc = encodeURIComponent;
/** Query string with the chosen project (if any) added: every environment read names its project. */
function q(params: Record<string, string | undefined> = {}): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, ...projectField() })) if (v !== undefined) s.set(k, v);
  const text = s.toString();
  return text ? `?${text}` : '';
}
export const paths = {
  projects: () => `/projects/${NAMESPACE}`,
  environments: (all = false) => `/environments/${NAMESPACE}${q(all ? { all: 'true' } : {})}`,
  environment: (env: string) => `/environments/${NAMESPACE}/${enc(env)}${q()}`,
  lineage: (env: string) => `/environments/${NAMESPACE}/${enc(env)}/lineage${q()}`,
  clones: (env: string) => `/environments/${NAMESPACE}/${enc(env)}/clones${q()}`,
  diff: (env: string, against?: string) => `/environments/${NAMESPACE}/${enc(env)}/diff${q({ against })}`,
  preview: () => `/environments/${NAMESPACE}/preview`,
  startClone: () => `/executions/webhook/${NAMESPACE}/clone-staging-api/console`,
  execution: (flow: string, id: string) => `/executions/${NAMESPACE}/${enc(flow)}/${enc(id)}`,
  logs: (flow: string, id: string) => `/executions/${NAMESPACE}/${enc(flow)}/${enc(id)}/logs`,
  followLogs: (flow: string, id: string) => `/executions/${NAMESPACE}/${enc(flow)}/${enc(id)}/logs/follow`,
  history: (flow: string, q: URLSearchParams) => `/executions/${NAMESPACE}/${enc(flow)}?${q.toString()}`,
};
