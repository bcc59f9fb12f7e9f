// /openapi.json, generated from the same zod schemas that validate the requests (z.toJSONSchema).
import { z } from 'zod';
import { CloneRequestSchema, EnvironmentRefSchema, ProjectRefSchema } from '../inputs/index.js';
import { historyQuerySchema } from './history-query.js';

const schema = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });

const error = { $ref: '#/components/schemas/Error' };
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      { description: String(code), content: { 'application/json': { schema: error } } },
    ]),
  );
const json = (s: object) => ({ content: { 'application/json': { schema: s } } });
const p = (name: string, where: 'path' | 'query' = 'path', required = where === 'path') => ({
  name,
  in: where,
  required,
  schema: { type: 'string' },
});

export function openApiDocument(namespace: string) {
  const base = '/api/v1/main';
  const ns = [p('namespace'), p('flowId')];
  return {
    openapi: '3.0.3',
    info: {
      title: 'railclone clone API',
      version: '1',
      description: `Kestra-compatible paths (also without /main). Namespace: ${namespace}.`,
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: {
        CloneRequest: schema(CloneRequestSchema),
        EnvironmentRef: schema(EnvironmentRefSchema),
        ProjectRef: schema(ProjectRefSchema),
        HistoryQuery: schema(historyQuerySchema),
        Error: {
          type: 'object',
          required: ['error', 'message', 'details'],
          properties: {
            error: { type: 'string' },
            message: { type: 'string' },
            details: {
              type: 'object',
              description:
                'For 400/409/415: field, provided (null with missing: true when absent), and pattern (a regex source, ^…$) or allowed (a list or a description).',
              properties: {
                field: { type: 'string' },
                provided: {},
                missing: { type: 'boolean' },
                pattern: { type: 'string' },
                allowed: {},
              },
            },
          },
        },
        Accepted: {
          type: 'object',
          properties: {
            status: { type: 'string' },
            execution_id: { type: 'string' },
            polling_url: { type: 'string' },
            namespace: { type: 'string' },
            flow_id: { type: 'string' },
            estimated_completion: { type: 'string', format: 'date-time', nullable: true },
          },
        },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: {
      [`${base}/executions/webhook/{namespace}/{flowId}/{key}`]: {
        post: {
          summary:
            'Start a flow. Body: CloneRequest (clone-staging-api), EnvironmentRef (delete-environment, get-environment), ProjectRef (list-environments).',
          parameters: [...ns, p('key')],
          requestBody: json({
            oneOf: ['CloneRequest', 'EnvironmentRef', 'ProjectRef'].map((n) => ({
              $ref: `#/components/schemas/${n}`,
            })),
          }),
          responses: {
            '202': {
              description: 'started; poll Location',
              ...json({ $ref: '#/components/schemas/Accepted' }),
            },
            ...errors(400, 401, 403, 404, 409, 413, 415, 429),
          },
        },
      },
      [`${base}/executions/{namespace}/{flowId}`]: {
        get: {
          summary: 'History of a flow',
          parameters: [
            ...ns,
            ...['page', 'size', 'state', 'from', 'to', 'client', 'started_by'].map((n) => p(n, 'query')),
          ],
          responses: { '200': { description: 'page of executions' }, ...errors(400, 401, 403, 404) },
        },
      },
      [`${base}/executions/{namespace}/{flowId}/{executionId}`]: {
        get: {
          summary: 'State, tasks and (when done) outputs',
          parameters: [...ns, p('executionId')],
          responses: { '200': { description: 'execution' }, ...errors(401, 403, 404) },
        },
      },
      [`${base}/executions/{namespace}/{flowId}/{executionId}/logs`]: {
        get: {
          summary: 'Logs as JSON',
          parameters: [...ns, p('executionId')],
          responses: { '200': { description: 'log lines' }, ...errors(401, 403, 404) },
        },
      },
      [`${base}/executions/{namespace}/{flowId}/{executionId}/logs/follow`]: {
        get: {
          summary: 'Logs as server-sent events (event: log, then end)',
          parameters: [...ns, p('executionId')],
          responses: { '200': { description: 'text/event-stream' }, ...errors(401, 403, 404) },
        },
      },
      [`${base}/environments/{namespace}`]: {
        get: {
          summary: 'List railclone environments (every environment with all=true)',
          parameters: [p('namespace'), p('railway_project_id', 'query'), p('all', 'query')],
          responses: { '200': { description: 'environments' }, ...errors(400, 401, 403, 404) },
        },
      },
      [`${base}/environments/{namespace}/preview`]: {
        post: {
          summary: 'Plan a clone without creating anything',
          parameters: [p('namespace')],
          requestBody: json({ $ref: '#/components/schemas/CloneRequest' }),
          responses: { '200': { description: 'plan' }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      [`${base}/environments/{namespace}/{environment}`]: {
        get: {
          summary: 'One environment',
          parameters: [p('namespace'), p('environment'), p('railway_project_id', 'query')],
          responses: { '200': { description: 'environment' }, ...errors(400, 401, 403, 404) },
        },
        delete: {
          summary:
            'Delete (starts delete-environment; 202). Ordinary keys delete clones railclone made (not those another key started); force=true (true/false/1/0) needs an admin key; production is never deleted (403).',
          parameters: [
            p('namespace'),
            p('environment'),
            p('railway_project_id', 'query'),
            {
              name: 'force',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['true', 'false', '1', '0'] },
            },
          ],
          responses: { '202': { description: 'started' }, ...errors(400, 401, 403, 404) },
        },
      },
      [`${base}/environments/{namespace}/{environment}/lineage`]: {
        get: {
          summary: 'Ancestors and descendants',
          parameters: [p('namespace'), p('environment')],
          responses: { '200': { description: 'lineage' }, ...errors(400, 401, 403, 404) },
        },
      },
      [`${base}/environments/{namespace}/{environment}/clones`]: {
        get: {
          summary: 'Direct clones of an environment',
          parameters: [p('namespace'), p('environment')],
          responses: { '200': { description: 'clones' }, ...errors(400, 401, 403, 404) },
        },
      },
      [`${base}/environments/{namespace}/{environment}/diff`]: {
        get: {
          summary: 'Variables added, removed, modified or unchanged against the source (names only)',
          parameters: [
            p('namespace'),
            p('environment'),
            p('railway_project_id', 'query'),
            p('against', 'query'),
          ],
          responses: { '200': { description: 'diff' }, ...errors(400, 401, 403, 404) },
        },
      },
      '/health': {
        get: { security: [], summary: 'Liveness and engine', responses: { '200': { description: 'ok' } } },
      },
    },
  };
}
