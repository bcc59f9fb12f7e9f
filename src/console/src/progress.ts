// What the execution's logs say about each service and table (`service <name>: <status>`, and the table
// lines of src/util/table-progress-line.ts), and a flow's steps in order.
import { FLOWS, type FlowId } from '../../flows/table.js';
import { parseTableLine } from '../../util/table-progress-line.js';
import type { ExecutionView, LogLine } from './types.js';

/** A flow's steps in the order they run, from the one flow table (src/flows/table.ts); [] for a flow it lacks. */
export function stepNames(flow: string): string[] {
  return flow in FLOWS ? [...FLOWS[flow as FlowId].tasks] : [];
}

export interface ServiceProgress {
  name: string;
  status: string;
  updates: number;
}
export interface TableProgress {
  name: string;
  status: 'copying' | 'done';
  rows: number;
  mb: number;
  totalRows: number | null;
  /** "2 of 4" when the table is split into chunks. */
  chunks?: string;
  etaSeconds?: number | null;
}

const SERVICE = /^service (.+?): (\S+)$/;
// A Kestra task's logger puts its scope first (`[task:plan] plan: …`); the in-process engine does not.
const PLAN = /^(?:\[[^\]]*\] )?plan: create environment "([^"]+)"/;

export function readProgress(logs: readonly LogLine[]) {
  const services = new Map<string, ServiceProgress>();
  const tables = new Map<string, TableProgress>();
  let environment: string | null = null;
  for (const l of logs) {
    const s = SERVICE.exec(l.message);
    if (s) {
      const prev = services.get(s[1]!);
      services.set(s[1]!, { name: s[1]!, status: s[2]!, updates: (prev?.updates ?? 0) + 1 });
      continue;
    }
    const t = parseTableLine(l.message);
    if (t) {
      tables.set(t.table, {
        name: t.table,
        status: t.status,
        rows: t.rows,
        mb: t.bytes / 1e6,
        totalRows: t.totalRows,
        ...(t.chunks ? { chunks: `${t.chunks.done} of ${t.chunks.total}` } : {}),
        etaSeconds: t.etaSeconds,
      });
      continue;
    }
    const p = PLAN.exec(l.message);
    if (p) environment = p[1]!;
  }
  return { services: [...services.values()], tables: [...tables.values()], environment };
}

/** The tables to show: the execution's in-flight figures when the API has them, else the logs' finished ones. */
export function tablesOf(
  exec: Pick<ExecutionView, 'progress'> | undefined,
  fromLogs: TableProgress[],
): TableProgress[] {
  if (!exec?.progress) return fromLogs;
  return exec.progress.tables.map((t) => ({
    name: t.table,
    status: t.status,
    rows: t.rows,
    mb: t.bytes / 1e6,
    totalRows: t.total_rows,
    chunks: t.chunks ? `${t.chunks.done} of ${t.chunks.total}` : undefined,
    etaSeconds: t.eta_seconds,
  }));
}
