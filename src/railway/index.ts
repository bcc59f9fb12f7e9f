// The Railway client in one import: the contract (types), the client, and its typed errors.
export * from './types.js';
export { RailwayClient, railwayClientFromEnv, DEFAULT_ENDPOINT, DEFAULT_TIMEOUT_MS } from './client.js';
export type { RailwayClientOptions, ListDeploymentsInput } from './client.js';
export {
  RailwayError,
  RailwayAuthError,
  RailwayNotFoundError,
  RailwayConflictError,
  RailwayValidationError,
  RailwayRateLimitError,
  RailwayUnavailableError,
  RailwayApiError,
} from './errors.js';
export { ALL_OPERATIONS, METHOD_OPERATIONS } from './operations.js';
export type { Operation } from './operations.js';
