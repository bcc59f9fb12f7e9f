// What the execution's logs say about each service and table (the recorder writes `service <name>:
// <status>` and `table <name>: <rows> rows, <MB> MB`), and a flow's steps in order.
import { FLOWS, type FlowId } from '../../flows/table.js';
import type { LogLine } from './types.js';

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
  rows: number;
  mb: number;
}

const SERVICE = /^service (.+?): (\S+)$/;
const TABLE = /^table (.+?): (\d+) rows, ([\d.]+) MB$/;
const PLAN = /^plan: create environment "([^"]+)"/;

export function readProgress(logs: readonly LogLine[]) {
  const services = new Map<string, ServiceProgress>();
  const tables: TableProgress[] = [];
  let environment: string | null = null;
  for (const l of logs) {
    const s = SERVICE.exec(l.message);
    if (s) {
      const prev = services.get(s[1]!);
      services.set(s[1]!, { name: s[1]!, status: s[2]!, updates: (prev?.updates ?? 0) + 1 });
      continue;
    }
    const t = TABLE.exec(l.message);
    if (t) {
      tables.push({ name: t[1]!, rows: Number(t[2]), mb: Number(t[3]) });
      continue;
    }
    const p = PLAN.exec(l.message);
    if (p) environment = p[1]!;
  }
  return { services: [...services.values()], tables, environment };
}
