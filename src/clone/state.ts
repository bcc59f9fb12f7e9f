// What one clone knows as it goes, passed from step to step (in-process, or as the `state` output
// of the previous Kestra task). It holds ids, names and domains only — never a variable value.
import type { EnvironmentSummary } from '../railway/types.js';
import { registerPublic } from '../util/secrets.js';
import type { DbEngine } from './services.js';

export interface ServicePlan {
  /** The service in the clone's project (equal to sourceId within one project). */
  id: string;
  /** The source service's name: the key of include/exclude and variable_overrides. */
  name: string;
  /** The source service, to read the source with; absent = `id` (a clone in the same project). */
  sourceId?: string;
  /** The clone's service name when it differs (prefix/suffix in another project). */
  targetName?: string;
  /** A database engine when the service's image is one; null for apps. */
  engine: DbEngine | null;
  /** Public hosts of the source service (Railway and custom domains). */
  sourceHosts: string[];
  /** Runs the official wordpress image (WORDPRESS_CONFIG_EXTRA works). */
  wordpress?: boolean;
}

export interface DatabaseSync {
  service: string;
  engine: DbEngine;
  rows: number;
  bytes: number;
  tables: number;
  rewritten: number;
  durationMs: number;
  databaseSizeBytes: number;
  /** Values masked, in all and per table (set when masking was on). */
  masked?: number;
  masked_tables?: Record<string, number>;
  /** What is left of the source hosts after the copy (set when hosts were rewritten). */
  hosts_left?: {
    total: number;
    leftovers: { table: string; column: string; host: string; encoding: string; count: number }[];
  };
}

export interface CloneState {
  execution_id: string;
  started_at: string;
  /** The SOURCE project. */
  project_id?: string;
  project_name?: string;
  /** The project the clone lives in when it is not the source's (an existing one, or one this run created). */
  target_project_id?: string;
  /** Set when this execution created target_project_id: rollback may then delete the whole project. */
  created_project_id?: string;
  source_environment_id?: string;
  source_environment_name?: string;
  environment_name?: string;
  environment_id?: string;
  services?: ServicePlan[];
  /** The host the staging site answers on; set when the environment exists. */
  staging_host?: string;
  /** OLD=NEW host pairs rewritten in the copied data (host mode: whole hosts only). */
  rewrites?: { from: string; to: string }[];
  /** Per web service: its source hosts and the clone host they become. */
  host_map?: { service: string; from: string[]; to: string }[];
  /** TCP proxies railclone opened on the SOURCE to read its databases; closed when the clone ends. */
  opened_source_proxies?: { serviceId: string; proxyId: string }[];
  /** TCP proxies railclone opened on the clone's databases to copy data in; closed likewise. */
  opened_target_proxies?: { serviceId: string; proxyId: string }[];
  databases?: DatabaseSync[];
  basic_auth_user?: string;
  sealed_variables_not_copied?: string[];
}

/** The environment with its services, variables and volumes in place; `state` carries where it is. */
export interface CreatedEnvironment {
  environment: EnvironmentSummary;
  state: CloneState;
}

/** The project the clone's environment lives in. */
export function cloneProjectId(state: CloneState): string {
  return state.target_project_id ?? state.project_id!;
}

/** The service to read the source through. */
export function sourceServiceId(service: ServicePlan): string {
  return service.sourceId ?? service.id;
}

export function newState(executionId: string, now = new Date()): CloneState {
  return { execution_id: executionId, started_at: now.toISOString() };
}

/** Reads `RAILCLONE_STATE` (JSON) as Kestra passes it between tasks. */
export function parseState(text: string | undefined, executionId: string): CloneState {
  if (!text || text.trim() === '') return newState(executionId);
  const parsed = JSON.parse(text) as CloneState;
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.execution_id !== 'string') {
    throw new Error('RAILCLONE_STATE must be the JSON `state` output of the previous railclone step');
  }
  // By contract the state holds ids, names and domains only; they must survive redaction intact.
  markPublic(parsed);
  return parsed;
}

function markPublic(value: unknown): void {
  if (typeof value === 'string') registerPublic(value);
  else if (Array.isArray(value)) value.forEach(markPublic);
  else if (value && typeof value === 'object') Object.values(value).forEach(markPublic);
}
