// Where the gateway keeps keys, rate-limit counters, the audit chain and (local backend) executions and
// logs. Two implementations: PostgreSQL (shared by many gateway instances) and files on disk (one process).
import type { AuditCheckpoint, AuditEntry, AuditInput, AuditSigner } from '../audit.js';
import type { ExecutionQuery, ExecutionRecord, LogRecord } from '../execution.js';
import type { ApiKeyRecord } from '../keys.js';

export interface RateTake {
  allowed: boolean;
  /** Starts in the sliding window after the take (refused: the starts already there). */
  count: number;
  /** When the oldest start that keeps the window full leaves it (ms from now). */
  resetMs: number;
  /** Identifies this start for a refund (allowed takes only). */
  stamp: number | null;
}

export interface GatewayStore {
  readonly kind: 'postgres' | 'file';
  /** Where it keeps its data, for messages: the folder, or PostgreSQL host/database (never a password). */
  readonly where: string;
  createKey(key: ApiKeyRecord): Promise<void>;
  getKey(id: string): Promise<ApiKeyRecord | null>;
  listKeys(): Promise<ApiKeyRecord[]>;
  revokeKey(id: string, at: string): Promise<boolean>;

  /**
   * Atomically records one start of `keyId` unless `limit` starts already happened in the last `windowMs`
   * (a sliding window); exact under concurrency, across instances for PostgreSQL.
   */
  takeRate(keyId: string, limit: number, windowMs: number): Promise<RateTake>;
  /** Gives back a start that did not happen (the engine refused it). */
  refundRate(keyId: string, stamp: number): Promise<void>;

  /** Appends (chained, MAC'd) and moves the checkpoint; resolves once both are durable. */
  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  listAudit(): Promise<AuditEntry[]>;
  /** The last head checkpoint, kept apart from the trail (file store: its own file; PostgreSQL: its own table). */
  auditCheckpoint(): Promise<AuditCheckpoint | null>;
  /** Signs with RAILCLONE_AUDIT_KEY; `audit verify` checks with it. */
  readonly auditSigner: AuditSigner;

  saveExecution(exec: ExecutionRecord): Promise<void>;
  getExecution(id: string): Promise<ExecutionRecord | null>;
  searchExecutions(q: ExecutionQuery): Promise<{ results: ExecutionRecord[]; total: number }>;
  appendLogs(logs: LogRecord[]): Promise<void>;
  /** Logs after the first `offset` lines, in order. */
  getLogs(executionId: string, offset?: number): Promise<LogRecord[]>;

  close(): Promise<void>;
}
