// The flows the gateway fronts, each with the shared schema its body must pass (src/inputs: one source of truth).
import type { z } from 'zod';
import { CloneRequestSchema, EnvironmentRefSchema, ProjectRefSchema } from '../inputs/index.js';

export interface FlowSpec {
  schema: z.ZodType;
  /** Audit action name. */
  action: 'clone' | 'delete' | 'list' | 'get';
  /** Counts against the key's rate limit. */
  rateLimited: boolean;
}

export const FLOWS: Record<string, FlowSpec> = {
  'clone-staging-api': { schema: CloneRequestSchema, action: 'clone', rateLimited: true },
  'delete-environment': { schema: EnvironmentRefSchema, action: 'delete', rateLimited: false },
  'list-environments': { schema: ProjectRefSchema, action: 'list', rateLimited: false },
  'get-environment': { schema: EnvironmentRefSchema, action: 'get', rateLimited: false },
};

export const FLOW_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const EXECUTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function flowSpec(flowId: string): FlowSpec | undefined {
  return Object.hasOwn(FLOWS, flowId) ? FLOWS[flowId] : undefined;
}
