// The audit trail: append-only and hash-chained. Each entry's hash is sha256(prev_hash + canonical JSON of
// the entry without its hash); the entry carries its sequence number, so an edited, removed or reordered
// entry breaks the chain at that point. Truncating the tail leaves a valid shorter chain: `audit verify`
// prints the head hash so operators can anchor it elsewhere.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  time: string;
  key_id: string | null;
  action: string;
  namespace: string | null;
  flow_id: string | null;
  inputs: unknown;
  result: string;
  status: number;
  execution_id: string | null;
  remote: string | null;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  prev_hash: string;
  hash: string;
}

export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(entry.prev_hash).update(canonicalJson(entry)).digest('hex');
}

export function chainEntry(input: AuditInput, prev: { seq: number; hash: string } | null): AuditEntry {
  const body = { ...input, seq: (prev?.seq ?? 0) + 1, prev_hash: prev?.hash ?? GENESIS_HASH };
  return { ...body, hash: hashEntry(body) };
}

export type AuditVerdict =
  { ok: true; entries: number; head: string } | { ok: false; entries: number; at: number; problem: string };

/** Walks the chain in stored order; the first entry that does not fit is reported. */
export function verifyChain(entries: AuditEntry[]): AuditVerdict {
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (const [i, e] of entries.entries()) {
    const { hash, ...body } = e;
    if (e.seq !== prev.seq + 1) {
      return {
        ok: false,
        entries: entries.length,
        at: i + 1,
        problem: `entry ${i + 1} has sequence ${e.seq}, expected ${prev.seq + 1} (an entry was removed or reordered)`,
      };
    }
    if (e.prev_hash !== prev.hash) {
      return {
        ok: false,
        entries: entries.length,
        at: i + 1,
        problem: `entry ${e.seq} does not follow entry ${prev.seq} (prev_hash mismatch: removed or reordered)`,
      };
    }
    if (hashEntry(body) !== hash) {
      return {
        ok: false,
        entries: entries.length,
        at: i + 1,
        problem: `entry ${e.seq} was edited (its hash does not match its content)`,
      };
    }
    prev = { seq: e.seq, hash };
  }
  return { ok: true, entries: entries.length, head: prev.hash };
}
