// The HTTP face of the emulator: POST /graphql/v2 only, Railway's envelopes and status codes
// (400 + GRAPHQL_VALIDATION_FAILED and no data key; 200 + INTERNAL_SERVER_ERROR for resolver and
// permission errors; 404 JSON elsewhere; 429 + Retry-After), X-RateLimit-* on every response.
import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { Hono, type Context } from 'hono';
import { createLogger } from '../util/log.js';
import { Access, principalFrom } from './auth.js';
import { EmuError, PROBLEM } from './errors.js';
import type { Faults } from './faults.js';
import { traceId } from './ids.js';
import { fieldResolver } from './resolvers/index.js';
import type { World } from './world.js';

const log = createLogger('emulator:http');

type JsonError = Record<string, unknown>;

/** One GraphQL operation received, for tests: what it asked for and which credentials came with it. */
export interface RequestRecord {
  operationName: string | null;
  rootFields: string[];
  /** Which auth headers were present: never their values. */
  auth: { bearer: boolean; projectAccessToken: boolean };
}

/** The request log keeps the newest records only, so a long-running emulator does not grow. */
const REQUEST_LOG_SIZE = 1000;

function rootFields(doc: DocumentNode, op: OperationDefinitionNode): string[] {
  const out: string[] = [];
  const walk = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) out.push(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else {
        const frag = doc.definitions.find(
          (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value,
        );
        if (frag && frag.kind === Kind.FRAGMENT_DEFINITION) walk(frag.selectionSet);
      }
    }
  };
  walk(op.selectionSet);
  return out;
}

const validationError = (
  e: GraphQLError | { message: string },
  code = 'GRAPHQL_VALIDATION_FAILED',
): JsonError => ({
  message: e.message,
  ...('locations' in e && e.locations ? { locations: e.locations } : {}),
  extensions: { code },
  traceId: traceId(),
});

/** Resolver errors: our own messages pass through; anything unexpected becomes Railway's catch-all. */
function resolverError(e: GraphQLError): JsonError {
  const own = e.originalError instanceof EmuError || !e.originalError;
  if (!own) log.warn(`resolver failed: ${e.originalError?.message}`);
  return {
    message: own ? e.message : PROBLEM,
    ...(e.locations ? { locations: e.locations } : {}),
    ...(e.path ? { path: e.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
    traceId: traceId(),
  };
}

export function createApp(
  world: World,
  faults: Faults,
  schema: GraphQLSchema,
  opts: { requestsPerHour: number },
): { app: Hono<{ Bindings: HttpBindings }>; requests: () => number; requestLog: () => RequestRecord[] } {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const received: RequestRecord[] = [];
  const limit = opts.requestsPerHour;
  let window = { start: Date.now(), used: 0 };
  let total = 0;

  app.use('*', async (c, next) => {
    if (Date.now() - window.start >= 3_600_000) window = { start: Date.now(), used: 0 };
    window.used += 1;
    total += 1;
    const resetAt = window.start + 3_600_000;
    c.header('X-RateLimit-Limit', String(limit));
    c.header('X-RateLimit-Remaining', String(Math.max(0, limit - window.used)));
    c.header('X-RateLimit-Reset', String(Math.ceil(resetAt / 1000)));
    if (window.used > limit) {
      // The hourly quota is spent: Railway answers 429 with Retry-After until the window resets.
      c.header('Retry-After', String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))));
      return c.json(
        {
          errors: [
            { message: 'Rate limit exceeded. Please try again later.', extensions: { code: 'RATE_LIMITED' } },
          ],
          data: null,
        },
        429,
      );
    }
    await next();
  });

  app.post('/graphql/v2', (c) =>
    handle(c, world, faults, schema, (r) => {
      received.push(r);
      if (received.length > REQUEST_LOG_SIZE) received.shift();
    }),
  );
  app.onError((err, c) => {
    log.error(`request failed: ${err instanceof Error ? err.message : String(err)}`);
    return c.json(
      {
        errors: [{ message: PROBLEM, extensions: { code: 'INTERNAL_SERVER_ERROR' }, traceId: traceId() }],
        data: null,
      },
      500,
    );
  });
  app.all('*', (c) => c.json({ message: 'Not Found', requestId: randomUUID() }, 404));
  return { app, requests: () => total, requestLog: () => received.map((r) => structuredClone(r)) };
}

async function handle(
  c: Context<{ Bindings: HttpBindings }>,
  world: World,
  faults: Faults,
  schema: GraphQLSchema,
  record: (r: RequestRecord) => void,
): Promise<Response> {
  let body: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    body = (await c.req.json()) as typeof body;
  } catch {
    return c.json(
      {
        errors: [
          validationError(
            { message: 'POST body must be JSON: {query, variables, operationName}' },
            'BAD_REQUEST',
          ),
        ],
      },
      400,
    );
  }
  if (typeof body?.query !== 'string') {
    return c.json(
      {
        errors: [
          validationError({ message: 'GraphQL operations must contain a non-empty `query`.' }, 'BAD_REQUEST'),
        ],
      },
      400,
    );
  }
  let doc: DocumentNode;
  try {
    doc = parse(body.query);
  } catch (e) {
    return c.json({ errors: [validationError(e as GraphQLError, 'GRAPHQL_PARSE_FAILED')] }, 400);
  }
  const invalid = validate(schema, doc);
  if (invalid.length) return c.json({ errors: invalid.map((e) => validationError(e)) }, 400);
  const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
  const op = getOperationAST(doc, operationName);
  if (!op)
    return c.json(
      { errors: [validationError({ message: 'Could not determine what operation to execute.' })] },
      400,
    );
  const variables =
    body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : {};
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables);
  if (coerced.errors) return c.json({ errors: coerced.errors.map((e) => validationError(e)) }, 400);

  const fields = rootFields(doc, op);
  const authorization = c.req.header('authorization');
  const projectAccessToken = c.req.header('project-access-token');
  record({
    operationName: op.name?.value ?? null,
    rootFields: fields,
    auth: { bearer: !!authorization?.trim(), projectAccessToken: !!projectAccessToken?.trim() },
  });
  const plan = faults.plan(fields);
  if (plan.reset) {
    // Nothing ran: the connection is reset (RST), as a proxy dropping it would.
    c.env.incoming.socket.resetAndDestroy();
    return new Response(null, { status: 500 });
  }
  if (plan.rateLimited) {
    c.header('Retry-After', String(plan.rateLimited.retryAfterSeconds));
    return c.json(
      {
        errors: [
          { message: 'Rate limit exceeded. Please try again later.', extensions: { code: 'RATE_LIMITED' } },
        ],
        data: null,
      },
      429,
    );
  }
  if (plan.delayMs) await new Promise((r) => setTimeout(r, plan.delayMs));
  const gatewayFailure = (status: number, message?: string) =>
    c.json({ errors: [{ message: message ?? 'Internal Server Error' }] }, status as 500);
  // A gateway status after the work (afterWork); a GraphQL error is always instead of it.
  const failAfter = plan.fail?.afterWork && plan.fail.status && plan.fail.status !== 200 ? plan.fail : null;
  if (plan.fail && !failAfter) {
    const { status, message } = plan.fail;
    if (status && status !== 200) return gatewayFailure(status, message);
    const first = op.selectionSet.selections[0];
    return c.json({
      errors: [
        {
          message: message ?? PROBLEM,
          ...(first?.loc
            ? { locations: [{ line: first.loc.startToken.line, column: first.loc.startToken.column }] }
            : {}),
          path: [fields[0] ?? ''],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
          traceId: traceId(),
        },
      ],
      data: null,
    });
  }

  const access = new Access(world, principalFrom(world, { authorization, projectAccessToken }));
  const result = await execute({
    schema,
    document: doc,
    operationName,
    variableValues: variables,
    contextValue: { world, access },
    fieldResolver,
  });
  if (plan.drop) {
    // The work is done; the caller never hears about it.
    c.env.incoming.socket.destroy();
    return new Response(null, { status: 500 });
  }
  if (plan.lateMs) await new Promise((r) => setTimeout(r, plan.lateMs));
  if (failAfter) return gatewayFailure(failAfter.status!, failAfter.message);
  const out: Record<string, unknown> = {};
  if (result.errors?.length) out.errors = result.errors.map(resolverError);
  out.data = result.data ?? null;
  return c.json(out, 200);
}
