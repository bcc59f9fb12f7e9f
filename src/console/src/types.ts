// The shapes the clone API answers with (docs/gateway.md), as far as the console reads them.
import type { CostEstimate } from '../../clone/cost-estimate.js';
export interface EnvironmentListing {
  name: string;
  id: string;
  created_at: string;
  domain: string | null;
  status: 'creating' | 'ready' | 'failed' | 'not-railclone';
  cloned_from: string | null;
  cloned_from_project_id: string | null;
  expires_at: string | null;
  type: string | null;
}

export interface ServiceView {
  name: string;
  image: string | null;
  repo: string | null;
  start_command: string | null;
  replicas: number | null;
  domains: string[];
  deployment: string | null;
}

export interface EnvironmentDetail extends EnvironmentListing {
  updated_at: string;
  database_size_bytes: number | null;
  created_by: string | null;
  execution_id: string | null;
  services: ServiceView[];
  volumes: { name: string; mount_path: string; size_mb: number; used_mb: number }[];
}

export interface Lineage {
  environment: string;
  ancestors: string[];
  descendants: { name: string; parent: string }[];
}

export type PlanChange =
  'copied (reference)' | 'copied (value)' | 'rotated' | 'overridden' | 'not copied (sealed)';

export interface PlanService {
  service: string;
  kind: string;
  variables: Record<string, PlanChange>;
  volumes: string;
  domains: string;
}

/** The API's cost estimate, as src/clone/cost-estimate.ts makes it (one definition). */
export type { CostEstimate };

export interface Preview {
  estimated_cost: CostEstimate;
  environment_name: string;
  source_environment: string;
  project_id: string;
  services: { name: string; database: string | null }[];
  plan: PlanService[];
  sealed_variables_not_copied: string[];
  notes: { level: string; message: string }[];
}

export type ChangeStatus = 'added' | 'removed' | 'modified' | 'unchanged';

export interface EnvironmentDiff {
  source: string;
  target: string;
  services: { name: string; status: ChangeStatus; variables: { name: string; status: ChangeStatus }[] }[];
  shared: { name: string; status: ChangeStatus }[];
}

export type ExecutionState =
  'CREATED' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'WARNING' | 'KILLED' | 'RETRYING' | 'PAUSED' | 'QUEUED';

export interface TaskView {
  name: string;
  state: ExecutionState;
  start_date: string | null;
  end_date: string | null;
  duration_ms: number | null;
  attempts: number;
  next_retry_at: string | null;
}

export interface ExecutionView {
  id: string;
  namespace: string;
  flow_id: string;
  state: ExecutionState;
  start_date: string;
  end_date: string | null;
  elapsed_ms: number | null;
  estimated_completion: string | null;
  started_by: string | null;
  tasks: TaskView[];
  outputs: Record<string, unknown> | null;
  error: { error: string; message: string; details: Record<string, unknown> } | null;
  /** Tables in flight and done (the in-process engine); null when only the logs say (Kestra). */
  progress: { tables: TableCopy[] } | null;
}

export interface TableCopy {
  table: string;
  status: 'copying' | 'done';
  rows: number;
  bytes: number;
  total_rows: number | null;
  chunks: { done: number; total: number } | null;
  eta_seconds: number | null;
}

export interface LogLine {
  timestamp: string;
  level: string;
  task: string | null;
  message: string;
}

export interface Accepted {
  status: string;
  execution_id: string;
  polling_url: string;
  estimated_completion: string | null;
}

export interface HistoryEntry {
  id: string;
  state: ExecutionState;
  start_date: string;
  end_date: string | null;
  duration_ms: number | null;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  started_by: string | null;
}

export interface HistoryPage {
  results: HistoryEntry[];
  total: number;
  page: number;
  size: number;
}

export const TERMINAL: ReadonlySet<string> = new Set(['SUCCESS', 'FAILED', 'WARNING', 'KILLED']);
