// What every route handler gets, and the per-request audit note the audit middleware writes out.
import type { ExecutionBackend } from './backends/types.js';
import type { EnvironmentService } from './environments.js';
import type { RateConfig } from './rate-limit.js';
import type { GatewayStore } from './store/types.js';

export interface GatewaySettings {
  namespace: string;
  corsOrigins: string[];
  bodyLimit: number;
  rate: RateConfig;
  /** Prefix for polling_url / Location (e.g. https://clone.example.com); relative when absent. */
  publicUrl?: string;
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

export interface Env {
  Variables: { audit: AuditNote; started: number };
}
