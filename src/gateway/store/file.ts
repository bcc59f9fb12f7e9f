// The embedded store: JSON files under a directory (default .railclone/gateway/), written atomically
// (temp file + rename) and serialised in-process by one mutex per file. One gateway process per directory; for
// several instances use PostgreSQL (RAILCLONE_GATEWAY_DATABASE_URL).
// Why not an embedded SQL engine: PGlite needs its .wasm/.data files next to the esbuild bundle and
// SQLite needs a native addon or Node 22; plain files keep `dist/railclone.mjs` self-contained.
import { appendFile, mkdir, open, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  type AuditCheckpoint,
  type AuditEntry,
  type AuditInput,
  type AuditSigner,
  auditSigner,
  chainEntry,
  makeCheckpoint,
} from '../audit.js';
import { createLogger } from '../../util/log.js';
import { registerSecret } from '../../util/secrets.js';
import {
  type ExecutionQuery,
  type ExecutionRecord,
  type LogRecord,
  isTerminal,
  matchesWho,
} from '../execution.js';
import type { ApiKeyRecord } from '../keys.js';
import { GroupCommit } from './group-commit.js';
import { Mutex } from './mutex.js';
import { withKeyCache } from './key-cache.js';
import type { GatewayStore, RateTake } from './types.js';

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const FINISHED_KEPT = 1_000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, path);
}

async function readLines<T>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  // A line is complete only once its newline is written.
  return text
    .split('\n')
    .slice(0, -1)
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** rate-limits.json; a file from the fixed-window version (objects, not arrays) starts empty. */
async function readRates(path: string): Promise<Record<string, number[]>> {
  const raw = await readJson<Record<string, unknown>>(path, {});
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(raw))
    if (Array.isArray(v))
      Object.defineProperty(out, k, { value: v.map(Number), enumerable: true, writable: true });
  return out;
}

/**
 * RAILCLONE_AUDIT_KEY, or — for a first run with no configuration — a key generated once into the folder
 * (mode 0600). The latter guards against edits, not against whoever can write the folder: production sets
 * the variable (and the PostgreSQL store requires it).
 */
async function fileAuditSigner(dir: string, key: string | undefined): Promise<AuditSigner> {
  if (key) return auditSigner(key);
  const path = join(dir, 'audit.key');
  let stored = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (!stored) {
    stored = randomBytes(32).toString('hex');
    await writeFile(path, `${stored}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => {
      stored = (await readFile(path, 'utf8')).trim(); // another process made it first
    });
    createLogger('gateway-store').warn(
      `RAILCLONE_AUDIT_KEY is not set: generated an audit key in ${resolve(path)}; set RAILCLONE_AUDIT_KEY (kept away from the store) so that whoever can write the store cannot rewrite the audit trail`,
    );
  }
  registerSecret(stored);
  return auditSigner(stored);
}

export async function openFileStore(dir: string, opts: { auditKey?: string } = {}): Promise<GatewayStore> {
  await mkdir(join(dir, 'executions'), { recursive: true, mode: 0o700 });
  await mkdir(join(dir, 'logs'), { recursive: true, mode: 0o700 });
  const keysPath = join(dir, 'keys.json');
  const ratesPath = join(dir, 'rate-limits.json');
  const auditPath = join(dir, 'audit.jsonl');
  // Apart from the trail: cutting audit.jsonl short leaves this naming an entry that is gone.
  const checkpointPath = join(dir, 'audit-checkpoint.json');
  const signer = await fileAuditSigner(dir, opts.auditKey);
  const execPath = (id: string) => {
    if (!SAFE_ID.test(id)) throw new Error(`not an execution id: ${JSON.stringify(id).slice(0, 80)}`);
    return join(dir, 'executions', `${id}.json`);
  };
  const logPath = (id: string) => join(dir, 'logs', `${id}.jsonl`);
  // Keys written before `admin` existed are ordinary keys.
  const keys = async () =>
    (await readJson<ApiKeyRecord[]>(keysPath, [])).map((k) => ({ ...k, admin: k.admin === true }));
  // Keys: one mutex. Execution records and their logs need none: each is written by one recorder, one write after another, atomically.
  const keysLock = new Mutex();
  // This process owns the directory, so the chain's head and the rate counters are read once and then
  // kept in memory; every change is on disk before the caller hears of it (group commit).
  let auditHead: { seq: number; hash: string } | null | undefined;
  // Per key, the instants (ms) of its starts in the current sliding window, oldest first.
  const rates = await readRates(ratesPath);
  const ratesWriter = new GroupCommit<null, void>(async (items) => {
    await writeAtomic(ratesPath, JSON.stringify(rates));
    return items.map(() => undefined);
  });
  const auditWriter = new GroupCommit<AuditInput, AuditEntry>(async (inputs) => {
    if (auditHead === undefined) {
      const all = await readLines<AuditEntry>(auditPath);
      const last = all[all.length - 1];
      auditHead = last ? { seq: last.seq, hash: last.hash } : null;
    }
    let head = auditHead;
    const entries = inputs.map((input) => {
      const entry = chainEntry(input, head, signer);
      head = { seq: entry.seq, hash: entry.hash };
      return entry;
    });
    // Durable before anyone hears back: written and fdatasync'd once per batch, as a PostgreSQL COMMIT is.
    // Opened by path each batch, so the entries always go to the file `audit verify` reads.
    const file = await open(auditPath, 'a', 0o600);
    try {
      await file.appendFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await file.datasync();
    } finally {
      await file.close();
    }
    // After the entries are durable: a crash in between leaves entries past the checkpoint (each with a valid
    // MAC, reported as unanchored), never a checkpoint naming an entry that is not there.
    if (head) await writeAtomic(checkpointPath, JSON.stringify(makeCheckpoint(head, signer)));
    auditHead = head;
    return entries;
  });

  // What a history search filters and sorts on, for every execution: read from disk once (at the first
  // search), then kept current by saveExecution — a search reads only the records of its page, not every file.
  type Summary = Pick<
    ExecutionRecord,
    'id' | 'namespace' | 'flowId' | 'state' | 'startDate' | 'startedBy'
  > & {
    inputs: { client_name?: unknown };
  };
  const summaryOf = ({
    id,
    namespace,
    flowId,
    state,
    startDate,
    startedBy,
    inputs,
  }: ExecutionRecord): Summary => ({
    id,
    namespace,
    flowId,
    state,
    startDate,
    startedBy,
    inputs: { client_name: inputs?.client_name },
  });
  let index: Promise<Map<string, Summary>> | undefined;
  const loadIndex = async () => {
    const files = (await readdir(join(dir, 'executions'))).filter((f) => f.endsWith('.json'));
    const all = await Promise.all(
      files.map((f) => readJson<ExecutionRecord | null>(join(dir, 'executions', f), null)),
    );
    return new Map(all.filter((e): e is ExecutionRecord => e !== null).map((e) => [e.id, summaryOf(e)]));
  };

  // Finished executions never change again, and they are what polling clients and history pages read
  // most: the last FINISHED_KEPT stay parsed in memory (frozen: readers share them).
  const finished = new Map<string, ExecutionRecord>();
  const remember = (exec: ExecutionRecord) => {
    finished.delete(exec.id);
    if (!isTerminal(exec.state)) return;
    finished.set(exec.id, deepFreeze(structuredClone(exec)));
    if (finished.size > FINISHED_KEPT) finished.delete(finished.keys().next().value!);
  };

  return withKeyCache({
    kind: 'file',
    where: `the file store at ${resolve(dir)}`,
    createKey: (key) =>
      keysLock.run(async () => writeAtomic(keysPath, JSON.stringify([...(await keys()), key], null, 2))),
    getKey: async (id) => (await keys()).find((k) => k.id === id) ?? null,
    listKeys: keys,
    revokeKey: (id, at) =>
      keysLock.run(async () => {
        const all = await keys();
        const key = all.find((k) => k.id === id && !k.revoked_at);
        if (!key) return false;
        key.revoked_at = at;
        await writeAtomic(keysPath, JSON.stringify(all, null, 2));
        return true;
      }),

    // Decided synchronously in memory (exact: one event loop), then persisted before answering.
    takeRate: async (keyId, limit, windowMs): Promise<RateTake> => {
      const now = Date.now();
      const kept = (rates[keyId] ?? []).filter((t) => t > now - windowMs);
      rates[keyId] = kept;
      if (kept.length >= limit) {
        const frees = kept[kept.length - limit] ?? now;
        return { allowed: false, count: kept.length, resetMs: frees + windowMs - now, stamp: null };
      }
      // Strictly increasing per key, so a refund removes exactly this start.
      const stamp = Math.max(now, (kept[kept.length - 1] ?? 0) + 1);
      kept.push(stamp);
      await ratesWriter.submit(null);
      return { allowed: true, count: kept.length, resetMs: kept[0]! + windowMs - now, stamp };
    },
    refundRate: async (keyId, stamp) => {
      const kept = rates[keyId];
      const i = kept?.indexOf(stamp) ?? -1;
      if (i >= 0) {
        kept!.splice(i, 1);
        await ratesWriter.submit(null);
      }
    },

    appendAudit: (input: AuditInput) => auditWriter.submit(input),
    listAudit: () => readLines<AuditEntry>(auditPath),
    auditCheckpoint: () => readJson<AuditCheckpoint | null>(checkpointPath, null),
    auditSigner: signer,

    saveExecution: async (exec) => {
      await writeAtomic(execPath(exec.id), JSON.stringify(exec));
      // After the write: an index being built meanwhile may have read the older file.
      if (index) (await index).set(exec.id, summaryOf(exec));
      remember(exec);
    },
    getExecution: async (id) =>
      SAFE_ID.test(id) ? (finished.get(id) ?? readJson<ExecutionRecord | null>(execPath(id), null)) : null,
    searchExecutions: async (q: ExecutionQuery) => {
      index ??= loadIndex();
      const hits = [...(await index).values()]
        .filter((e) => e.namespace === q.namespace && e.flowId === q.flowId)
        .filter((e) => !q.states?.length || q.states.includes(e.state))
        .filter((e) => (!q.from || e.startDate >= q.from) && (!q.to || e.startDate <= q.to))
        .filter((e) => matchesWho(e, q))
        .sort((a, b) => (a.startDate < b.startDate ? 1 : a.startDate > b.startDate ? -1 : 0));
      // Only the page's records are read.
      const page = await Promise.all(
        hits
          .slice((q.page - 1) * q.size, q.page * q.size)
          .map((e) => finished.get(e.id) ?? readJson<ExecutionRecord | null>(execPath(e.id), null)),
      );
      return { results: page.filter((e): e is ExecutionRecord => e !== null), total: hits.length };
    },
    appendLogs: async (logs) => {
      const byExec = new Map<string, LogRecord[]>();
      for (const l of logs) byExec.set(l.executionId, [...(byExec.get(l.executionId) ?? []), l]);
      for (const [id, lines] of byExec) {
        execPath(id);
        await appendFile(logPath(id), lines.map((l) => `${JSON.stringify(l)}\n`).join(''), { mode: 0o600 });
      }
    },
    getLogs: async (id, offset = 0) =>
      SAFE_ID.test(id) ? (await readLines<LogRecord>(logPath(id))).slice(offset) : [],
    close: async () => {
      await keysLock.run(async () => undefined);
      await Promise.all([ratesWriter.drain(), auditWriter.drain()]);
    },
  });
}
