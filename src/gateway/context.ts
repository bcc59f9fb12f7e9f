// What every route handler gets, the per-request audit note the audit middleware writes out, and what the
// access middleware learned about the caller.
import type { ExecutionBackend } from './backends/types.js';
import type { EnvironmentService } from './environments.js';
import type { FlowSpec } from './flows.js';
import type { ApiKeyRecord } from './keys.js';
import type { RateConfig } from './rate-limit.js';
import type { GatewayStore } from './store/types.js';
import type { ClientAddress } from './client-address.js';

export interface GatewaySettings {
  namespace: string;
  corsOrigins: string[];
  bodyLimit: number;
  rate: RateConfig;
  /** Prefix for polling_url / Location (e.g. https://clone.example.com); relative when absent. */
  publicUrl?: string;
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges); empty: none. */
  trustedProxies?: string[];
}

export interface GatewayDeps {
  store: GatewayStore;
  backend: ExecutionBackend;
  environments: EnvironmentService;
  settings: GatewaySettings;
}

export interface AuditNote {
  action: string;
  key_id: string | null;
  namespace: string | null;
  flow_id: string | null;
  inputs: unknown;
  execution_id: string | null;
  /** clone and delete requests are audited whatever their result; others only when refused. */
  always: boolean;
}

/** Set by the access middleware (access.ts) once the key, the path and the scope are checked. */
export interface Access {
  key: ApiKeyRecord;
  namespace: string;
  flowId: string;
  flow: FlowSpec;
}

export interface Env {
  Variables: { audit: AuditNote; started: number; access: Access; client: ClientAddress };
}
