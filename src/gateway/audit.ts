// The audit trail: append-only, hash-chained, and anchored with a server secret (RAILCLONE_AUDIT_KEY).
//
// Each entry's hash is sha256(prev_hash + canonical JSON of the entry), so an edited, removed or reordered
// entry breaks the chain where it happened. A chain alone can be rewritten by anyone who can write the
// store (recompute every hash after an edit, or cut entries off the end), so, as CloudTrail signs its digest
// files and Certificate Transparency signs its tree heads:
// - every entry also carries mac = HMAC-SHA256(key, hash): a recomputed hash has no valid MAC without the key;
// - after every append the store writes a checkpoint {seq, hash, time, key_id, mac} of the head, kept apart
//   from the trail (its own file / table), so a trail cut short, or ended early, no longer reaches it.
// `audit verify` reports the first entry where a trail stops fitting: edits, removals, reordering,
// truncation, and entries a different key (or no key) wrote.
import { createHash, createHmac } from 'node:crypto';
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
  /** HMAC-SHA256 of `hash` under the audit key. */
  mac: string;
}

/** The head of the trail as the store last wrote it, authenticated with the audit key. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  time: string;
  /** Which audit key signed it (a fingerprint, not the key). */
  key_id: string;
  mac: string;
}

/** Signs with the audit key without handing the key itself around. */
export interface AuditSigner {
  readonly keyId: string;
  mac(text: string): string;
}

export function auditSigner(key: string): AuditSigner {
  const secret = Buffer.from(key, 'utf8');
  const mac = (text: string) => createHmac('sha256', secret).update(text, 'utf8').digest('hex');
  return { keyId: mac('railclone audit key id').slice(0, 16), mac };
}

type Body = Omit<AuditEntry, 'hash' | 'mac'>;

export function hashEntry(entry: Body): string {
  return createHash('sha256').update(entry.prev_hash).update(canonicalJson(entry)).digest('hex');
}

export function chainEntry(
  input: AuditInput,
  prev: { seq: number; hash: string } | null,
  signer: AuditSigner,
): AuditEntry {
  const body: Body = { ...input, seq: (prev?.seq ?? 0) + 1, prev_hash: prev?.hash ?? GENESIS_HASH };
  const hash = hashEntry(body);
  return { ...body, hash, mac: signer.mac(hash) };
}

const checkpointText = (c: Omit<AuditCheckpoint, 'mac'>) =>
  canonicalJson({ seq: c.seq, hash: c.hash, time: c.time, key_id: c.key_id, what: 'railclone audit head' });

export function makeCheckpoint(
  head: { seq: number; hash: string },
  signer: AuditSigner,
  time = new Date().toISOString(),
): AuditCheckpoint {
  const body = { seq: head.seq, hash: head.hash, time, key_id: signer.keyId };
  return { ...body, mac: signer.mac(checkpointText(body)) };
}

export type AuditVerdict =
  | {
      ok: true;
      entries: number;
      head: string;
      /** The checkpoint the trail reaches (null: empty trail, none yet). */
      checkpoint: { seq: number; time: string } | null;
      /** Entries after the checkpoint, each with a valid MAC (written just before a crash, say). */
      unanchored: number;
    }
  | { ok: false; entries: number; at: number; problem: string };

/** Walks the trail in stored order against its checkpoint; the first place it stops fitting is reported. */
export function verifyChain(
  entries: AuditEntry[],
  checkpoint: AuditCheckpoint | null,
  signer: AuditSigner,
): AuditVerdict {
  const fail = (at: number, problem: string): AuditVerdict => ({
    ok: false,
    entries: entries.length,
    at,
    problem,
  });
  if (checkpoint) {
    if (checkpoint.key_id !== signer.keyId)
      return fail(
        1,
        `the checkpoint was signed with another audit key (${checkpoint.key_id}); this RAILCLONE_AUDIT_KEY is ${signer.keyId}`,
      );
    const { mac, ...body } = checkpoint;
    if (signer.mac(checkpointText(body)) !== mac)
      return fail(
        Math.min(checkpoint.seq, entries.length) + 1,
        'the checkpoint was edited (its MAC does not match)',
      );
  } else if (entries.length > 0) {
    return fail(1, 'the checkpoint is missing: the trail cannot be vouched for (removed or never written)');
  }
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (const [i, e] of entries.entries()) {
    const { hash, mac, ...body } = e;
    if (e.seq !== prev.seq + 1)
      return fail(
        i + 1,
        `entry ${i + 1} has sequence ${e.seq}, expected ${prev.seq + 1} (an entry was removed or reordered)`,
      );
    if (e.prev_hash !== prev.hash)
      return fail(
        i + 1,
        `entry ${e.seq} does not follow entry ${prev.seq} (prev_hash mismatch: removed or reordered)`,
      );
    if (hashEntry(body) !== hash)
      return fail(i + 1, `entry ${e.seq} was edited (its hash does not match its content)`);
    if (typeof mac !== 'string' || signer.mac(hash) !== mac)
      return fail(
        i + 1,
        `entry ${e.seq} was not written with this audit key (its MAC does not match: rewritten, or written under another key)`,
      );
    if (checkpoint && e.seq === checkpoint.seq && hash !== checkpoint.hash)
      return fail(i + 1, `entry ${e.seq} is not the entry the checkpoint names (the trail was rewritten)`);
    prev = { seq: e.seq, hash };
  }
  if (checkpoint && prev.seq < checkpoint.seq)
    return fail(
      prev.seq + 1,
      `entries ${prev.seq + 1} to ${checkpoint.seq} are missing: the trail ends at ${prev.seq} but its checkpoint says ${checkpoint.seq} (cut off)`,
    );
  return {
    ok: true,
    entries: entries.length,
    head: prev.hash,
    checkpoint: checkpoint && { seq: checkpoint.seq, time: checkpoint.time },
    unanchored: checkpoint ? prev.seq - checkpoint.seq : 0,
  };
}
