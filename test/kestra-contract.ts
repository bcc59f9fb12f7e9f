// Kestra's HTTP contract, read from the published OpenAPI description (shared/reference/kestra-openapi.yml,
// the 2.0 line; never copied here): which requests exist (path, method, parameters, body type) and what
// each answer holds (response schemas, checked with ajv). Tests use it two ways: `requestProblems` for
// every request the client sends, and `kestraNock` so that every mocked Kestra answer is checked too.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import nock from 'nock';
import { parse } from 'yaml';
import { sharedReference } from './shared-reference.js';

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

export const KESTRA_SPEC_FILE = sharedReference('kestra-openapi.yml');
const spec = parse(readFileSync(KESTRA_SPEC_FILE, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
};

/**
 * The spec is generated from Java types, with two artefacts no Kestra answer has: a `Map<String, Object>`
 * value or an `Object` field comes out as a bare `{type: object}` although Kestra puts strings and numbers
 * there (an output `staging_url` is a string), and a few getters are listed as required properties
 * (`State` requires `getDuration`, `getStartDate`, which Kestra serialises as `duration`, `startDate`). So a
 * bare `{type: object}` means any value and `get…` names are not required; the rest is checked as written.
 */
function asKestraSerialises(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asKestraSerialises);
  if (!node || typeof node !== 'object') return node;
  const o = node as Json;
  const keys = Object.keys(o).filter((k) => !['description', 'example', 'format'].includes(k));
  if (o.type === 'object' && keys.length === 1) return {};
  // OpenAPI 3.0's `nullable` beside `allOf` (no `type`), which JSON Schema says as "that, or null".
  if (o.nullable === true && o.type === undefined) {
    const { nullable: _, ...rest } = o;
    return { anyOf: [asKestraSerialises(rest), { type: 'null' }] };
  }
  // OpenAPI 3.0's boolean exclusiveMinimum/Maximum are numbers in the JSON Schema ajv checks.
  for (const [ex, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof o[ex] === 'boolean') {
      const { [ex]: flag, [bound]: limit, ...rest } = o;
      return asKestraSerialises(flag ? { ...rest, [ex]: limit } : { ...rest, [bound]: limit });
    }
  }
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [
      k,
      k === 'required' && Array.isArray(v)
        ? v.filter((n) => !/^get[A-Z]/.test(String(n)))
        : asKestraSerialises(v),
    ]),
  );
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema({ $id: 'kestra', components: asKestraSerialises(spec.components) as Json });
const validators = new Map<string, ValidateFunction>();

/** Spec path templates as regular expressions, the most literal first (…/executions/search before …/{id}). */
const templates = Object.keys(spec.paths)
  .map((template) => {
    const names: string[] = [];
    const source = template.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`));
    const re = new RegExp(
      `^${source.replace(/\{([^}]+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`,
    );
    return { template, re, names, literal: template.replace(/\{[^}]+\}/g, '').length };
  })
  .sort((a, b) => b.literal - a.literal);

export interface Matched {
  template: string;
  method: string;
  operation: Operation;
  pathParams: Record<string, string>;
}

/** The spec operation a request lands on, or why none does. */
export function matchOperation(method: string, url: string): Matched | string {
  const { pathname } = new URL(url, 'http://kestra');
  const m = method.toLowerCase();
  const onPath = templates.filter((t) => t.re.test(pathname));
  if (onPath.length === 0) return `${method} ${pathname}: no path of the Kestra spec`;
  const hit = onPath.find((t) => spec.paths[t.template]![m]);
  if (!hit)
    return `${method} ${pathname}: the spec has ${onPath.map((t) => t.template).join(', ')} but not ${method}`;
  const values = hit.re.exec(pathname)!.slice(1);
  return {
    template: hit.template,
    method: m,
    operation: spec.paths[hit.template]![m]!,
    pathParams: Object.fromEntries(hit.names.map((n, i) => [n, decodeURIComponent(values[i]!)])),
  };
}

/** `filters[field][OP](…)` (Kestra's PHP-style query filter): field and operation from the spec's enums. */
function filterProblems(key: string): string[] {
  const m = /^filters\[([^\]]+)\]\[([^\]]+)\](?:\[[^\]]+\])?$/.exec(key);
  if (!m) return [`query ${key}: not the filters[field][OP] form`];
  const enumOf = (name: string) => (spec.components.schemas[name]?.enum as string[] | undefined) ?? [];
  const problems: string[] = [];
  if (!enumOf('QueryFilter.Field').includes(m[1]!))
    problems.push(`filter field ${m[1]} is not a QueryFilter.Field`);
  if (!enumOf('QueryFilter.Op').includes(m[2]!))
    problems.push(`filter operation ${m[2]} is not a QueryFilter.Op`);
  return problems;
}

/** What is wrong with a request (empty = it is one the spec describes). */
export function requestProblems(method: string, url: string, contentType?: string | null): string[] {
  const matched = matchOperation(method, url);
  if (typeof matched === 'string') return [matched];
  const where = `${method} ${matched.template}`;
  const params = matched.operation.parameters ?? [];
  const problems: string[] = [];
  const query = [...new URL(url, 'http://kestra').searchParams.keys()];
  for (const key of new Set(query)) {
    const name = key.startsWith('filters[') ? 'filters' : key;
    const declared = params.find((p) => p.in === 'query' && p.name === name);
    if (!declared) problems.push(`${where}: query parameter ${key} is not in the spec`);
    else if (name === 'filters') problems.push(...filterProblems(key).map((p) => `${where}: ${p}`));
  }
  for (const p of params.filter((p) => p.required)) {
    if (p.in === 'query' && !query.includes(p.name))
      problems.push(`${where}: required query parameter ${p.name} missing`);
    if (p.in === 'path' && !(p.name in matched.pathParams))
      problems.push(`${where}: path parameter ${p.name} missing`);
  }
  const bodyTypes = Object.keys(matched.operation.requestBody?.content ?? {});
  const sent = contentType?.split(';')[0]!.trim();
  // A webhook takes whatever body its caller sends (it becomes `trigger.body`); the spec declares none.
  const anyBody = matched.template.includes('/executions/webhook/');
  if (sent && bodyTypes.length === 0 && !anyBody)
    problems.push(`${where}: sends a body (${sent}) the spec does not take`);
  if (sent && bodyTypes.length > 0 && !bodyTypes.includes(sent))
    problems.push(`${where}: body ${sent}, the spec takes ${bodyTypes.join(', ')}`);
  return problems;
}

/** What is wrong with an answer for that request (empty = it validates against the response schema). */
export function answerProblems(method: string, url: string, status: number, body: unknown): string[] {
  const matched = matchOperation(method, url);
  if (typeof matched === 'string') return [matched];
  const response = matched.operation.responses?.[String(status)];
  // A fault Kestra may answer (4xx/5xx) with no schema in the spec carries only its message.
  if (!response)
    return status >= 400 ? [] : [`${method} ${matched.template}: no ${status} answer in the spec`];
  const content = response.content ?? {};
  const jsonType = Object.keys(content).find((t) => /json/.test(t));
  if (!jsonType) return [];
  const key = `${matched.template} ${matched.method} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = asKestraSerialises(content[jsonType]!.schema ?? {}) as Json;
    validate = ajv.compile(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"kestra#/components')),
    );
    validators.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${method} ${matched.template} → ${status}: ${e.instancePath || '(body)'} ${e.message ?? ''}`,
  );
}

/** Every request and answer `kestraNock` scopes served, with what the spec says about them. */
export const contractLog: { checked: number; problems: string[] } = { checked: 0, problems: [] };

/**
 * `nock(base)` whose every reply is checked against the spec once it has been served: the request
 * (path, method, parameters) and a JSON answer (its response schema). Tests assert `contractLog.problems`
 * is empty afterwards.
 */
export function kestraNock(base: string, options?: nock.Options): nock.Scope {
  const scope = nock(base, options);
  scope.on('replied', (req: { method: string; path: string }, interceptor: Record<string, unknown>) => {
    try {
      check(req, interceptor);
    } catch (err) {
      contractLog.problems.push(`${req.method} ${req.path}: ${(err as Error).message}`);
    }
  });
  return scope;
}

function check(req: { method: string; path: string }, interceptor: Record<string, unknown>): void {
  {
    contractLog.checked++;
    const url = req.path;
    contractLog.problems.push(...requestProblems(req.method, url));
    const status = interceptor.statusCode as number | null;
    const raw = interceptor.body;
    if (status === null || typeof raw !== 'string' || raw === '') return;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return; // a plain-text answer (a fault message)
    }
    contractLog.problems.push(...answerProblems(req.method, url, status, body));
  }
}
