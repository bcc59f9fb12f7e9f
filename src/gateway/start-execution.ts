// Starting a flow (webhook POST, environment DELETE): validate the body with the flow's schema, make the
// checks that need no execution (admission.ts), count the start against the key's rate limit (clones),
// start it on the engine, and answer 202 with where to poll. The access middleware ran before this.
import type { Context } from 'hono';
import { parseInput } from '../inputs/index.js';
import { admit } from './admission.js';
import type { Env, GatewayDeps } from './context.js';
import type { CompletionEstimator } from './estimate.js';
import { takeStart } from './rate-limit.js';
import { redactInputs } from './redact-inputs.js';
import { requireObject } from './request.js';

export async function startExecution(
  c: Context<Env>,
  deps: GatewayDeps,
  est: CompletionEstimator,
  base: string,
  body: unknown,
) {
  const { key, namespace, flowId, flow } = c.get('access');
  const note = c.get('audit');
  const inputs = parseInput(flow.schema, requireObject(body), flowId) as Record<string, unknown>;
  const redacted = redactInputs(inputs) as Record<string, unknown>;
  note.inputs = redacted;
  await admit(deps, key, flowId, inputs);
  const ticket = flow.rateLimited ? await takeStart(deps.store, key, deps.settings.rate) : null;
  let executionId: string;
  try {
    ({ executionId } = await deps.backend.start({
      namespace,
      flowId,
      inputs,
      redactedInputs: redacted,
      startedBy: key.id,
    }));
  } catch (err) {
    if (ticket) await ticket.refund();
    throw err;
  }
  note.execution_id = executionId;
  const now = new Date().toISOString();
  const pollingUrl = `${deps.settings.publicUrl ?? ''}${base}/executions/${namespace}/${flowId}/${executionId}`;
  for (const [k, v] of Object.entries(ticket?.headers ?? {})) c.header(k, v);
  c.header('Location', pollingUrl);
  return c.json(
    {
      status: 'CREATED',
      execution_id: executionId,
      polling_url: pollingUrl,
      namespace,
      flow_id: flowId,
      estimated_completion: await est.estimate(namespace, flowId, now).catch(() => null),
    },
    202,
  );
}
