// Several clones may read one source database at once, and Railway allows one TCP proxy per service
// instance: a clone that finds a live proxy reads through it, whoever opened it. So the run that opened
// a proxy must not close it under another clone's copy. Each run registers as a READER of its source
// services (in the source project's coordination environment) before it looks for their proxies, and
// leaves when it closes its database access; a proxy railclone opened is closed only once no other live
// reader of its service is left. Until then it is handed over (a HANDOVER record): the last reader out,
// or the expiry sweep once the readers' runs are dead, closes it. A reader whose run died counts until
// the grace period has passed (as for intents): the proxy then stays open a while longer, never shorter.
import type { RailwayApi } from '../railway/types.js';
import type { Runner } from './context.js';
import { putRecord, readRecords, recordName, removeRecord } from './coordination.js';
import { deadRun, STALE_AFTER_MS } from './ownership.js';
import { closeProxies } from './proxies.js';

export interface SourceProxy {
  serviceId: string;
  proxyId: string;
}

interface Reader {
  version: 1;
  execution_id: string;
  services: string[];
  since: string;
  runner?: Runner;
}

interface Handover {
  version: 1;
  proxy_id: string;
  service_id: string;
  since: string;
}

const READER = 'READER';
const HANDOVER = 'HANDOVER';

interface When {
  now: Date;
  staleAfterMs?: number;
}

/**
 * Before looking for the source services' proxies. A retry finds its record and keeps it: like an
 * intent, a run counts from its first registration.
 */
export async function startReading(
  railway: RailwayApi,
  projectId: string,
  executionId: string,
  services: string[],
  now: Date,
  runner?: Runner,
): Promise<void> {
  const reader: Reader = {
    version: 1,
    execution_id: executionId,
    services,
    since: now.toISOString(),
    ...(runner ? { runner } : {}),
  };
  const mine = (await records(railway, projectId)).readers.find((r) => r.execution_id === executionId);
  if (mine && services.every((s) => mine.services.includes(s))) return;
  await putRecord(railway, projectId, recordName(READER, executionId), reader);
}

/** The readers and handovers, in one read of the coordination environment. */
async function records(
  railway: RailwayApi,
  projectId: string,
): Promise<{ readers: Reader[]; handovers: Handover[] }> {
  const all = await readRecords(railway, projectId);
  const of = (kind: string) => all.filter((r) => r.kind === kind).map((r) => r.value);
  return {
    readers: of(READER).filter(
      (r): r is Reader => (r as Reader | null)?.version === 1 && Array.isArray((r as Reader).services),
    ),
    handovers: of(HANDOVER).filter(
      (h): h is Handover =>
        (h as Handover | null)?.version === 1 && typeof (h as Handover).proxy_id === 'string',
    ),
  };
}

function live(all: Reader[], when: When): Reader[] {
  const stale = when.staleAfterMs ?? STALE_AFTER_MS;
  return all.filter((r) => !deadRun(r.since, r.runner, when.now, stale, r.execution_id));
}

/** Whether a live reader other than `executionId` reads `serviceId`. */
async function readBy(
  railway: RailwayApi,
  projectId: string,
  serviceId: string,
  executionId: string,
  when: When,
): Promise<boolean> {
  return live((await records(railway, projectId)).readers, when).some(
    (r) => r.execution_id !== executionId && r.services.includes(serviceId),
  );
}

/**
 * `executionId` is done reading: its reader record goes; of the source proxies it opened, those no other
 * live reader uses are closed, the others handed over; handed-over proxies nobody reads any more are
 * closed too. Returns the ids closed and the ids handed over.
 */
export async function stopReading(
  railway: RailwayApi,
  projectId: string,
  executionId: string,
  opened: SourceProxy[],
  when: When,
): Promise<{ closed: string[]; handedOver: string[] }> {
  await removeRecord(railway, projectId, recordName(READER, executionId));
  const close: string[] = [];
  const handedOver: string[] = [];
  for (const p of opened) {
    if (!(await readBy(railway, projectId, p.serviceId, executionId, when))) {
      close.push(p.proxyId);
      continue;
    }
    const handover: Handover = {
      version: 1,
      proxy_id: p.proxyId,
      service_id: p.serviceId,
      since: when.now.toISOString(),
    };
    await putRecord(railway, projectId, recordName(HANDOVER, p.proxyId), handover);
    // The other reader may have left between the look and the handover without seeing it (its removal
    // may even have taken the handover along with the environment): look again, and close it ourselves.
    if (await readBy(railway, projectId, p.serviceId, executionId, when)) {
      handedOver.push(p.proxyId);
    } else {
      close.push(p.proxyId);
      await removeRecord(railway, projectId, recordName(HANDOVER, p.proxyId));
    }
  }
  const closed = [...(await closeProxies(railway, close)), ...(await closeUnread(railway, projectId, when))];
  // One handed over may have found its last reader gone by now, and been closed above.
  return { closed, handedOver: handedOver.filter((id) => !closed.includes(id)) };
}

/** Handed-over proxies whose service no live reader reads any more: closed, their records removed. */
async function closeUnread(railway: RailwayApi, projectId: string, when: When): Promise<string[]> {
  const { readers, handovers } = await records(railway, projectId);
  const reading = live(readers, when);
  const closed: string[] = [];
  for (const h of handovers) {
    if (reading.some((r) => r.services.includes(h.service_id))) continue;
    closed.push(...(await closeProxies(railway, [h.proxy_id])));
    await removeRecord(railway, projectId, recordName(HANDOVER, h.proxy_id));
  }
  return closed;
}

/**
 * The expiry sweep: reader records of dead runs go, and the proxies handed over to readers that are all
 * gone are closed. Returns a line per thing done (or that would be, on a dry run).
 */
export async function sweepReaders(
  railway: RailwayApi,
  projectId: string,
  when: When & { dryRun?: boolean },
): Promise<string[]> {
  const lines: string[] = [];
  for (const r of (await records(railway, projectId)).readers) {
    const dead = deadRun(r.since, r.runner, when.now, when.staleAfterMs ?? STALE_AFTER_MS, r.execution_id);
    if (!dead) continue;
    lines.push(
      `${when.dryRun ? 'would remove' : 'removed'} the source-reader record of ${r.execution_id}: ${dead}`,
    );
    if (!when.dryRun) await removeRecord(railway, projectId, recordName(READER, r.execution_id));
  }
  if (when.dryRun) return lines;
  for (const id of await closeUnread(railway, projectId, when))
    lines.push(`closed TCP proxy ${id} on the source: its last reader is gone`);
  return lines;
}
