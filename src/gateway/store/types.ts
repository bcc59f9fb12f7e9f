// Where the gateway keeps keys, rate-limit counters, the audit chain and (local backend) executions and
// logs. Two implementations: PostgreSQL (shared by many gateway instances) and files on disk (one process).
import type { AuditEntry, AuditInput } from '../audit.js';
import type { ExecutionQuery, ExecutionRecord, LogRecord } from '../execution.js';
import type { ApiKeyRecord } from '../keys.js';

export interface RateTake {
  allowed: boolean;
  /** Starts counted in this window after the take. */
  count: number;
}

export interface GatewayStore {
  readonly kind: 'postgres' | 'file';
  createKey(key: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | null>;
  listKeys(): Promise<ApiKeyRecord[]>;
  revokeKey(id: string, at: string): Promise<boolean>;

  /** Atomically counts one start in (key, window) unless `limit` is reached; exact under concurrency. */
  takeRate(keyId: string, window: number, limit: number): Promise<RateTake>;
  /** Gives back a start that did not happen (the engine refused it). */
  refundRate(keyId: string, window: number): Promise<void>;

  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  listAudit(): Promise<AuditEntry[]>;

  saveExecution(exec: ExecutionRecord): Promise<void>;
  getExecution(id: string): Promise<ExecutionRecord | null>;
  searchExecutions(q: ExecutionQuery): Promise<{ results: ExecutionRecord[]; total: number }>;
  appendLogs(logs: LogRecord[]): Promise<void>;
  /** Logs after the first `offset` lines, in order. */
  getLogs(executionId: string, offset?: number): Promise<LogRecord[]>;

  close(): Promise<void>;
}
