// One copy into a target database at a time. A second copy into the same target (Kestra 2.0.0 can run a
// retried task twice side by side, kestra-io/kestra#18909) waits for the first to end, then replaces
// the target again, instead of interleaving with it. The lock lives on the target server, on a session
// of its own: the server drops it when that session ends, a killed process included. Never the source.
import { createHash } from 'node:crypto';
import type { Logger } from '../../util/log.js';
import { CopyAbortedError, throwIfAborted } from './abort.js';

/** Fixed namespace of every railclone copy lock. */
export const COPY_LOCK_NAMESPACE = 'railclone-copy';

/** MySQL/MariaDB user-lock name (at most 64 characters; a longer database name is hashed). */
export function copyLockName(database: string): string {
  const name = `${COPY_LOCK_NAMESPACE}:${database}`;
  return name.length <= 64 ? name : `${COPY_LOCK_NAMESPACE}:${sha256(database).toString('hex').slice(0, 40)}`;
}

/** PostgreSQL advisory-lock key: a signed bigint from the namespace and the database name. */
export function copyLockKey(database: string): string {
  return sha256(`${COPY_LOCK_NAMESPACE}:${database}`).readBigInt64BE(0).toString();
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export interface TargetLockOps {
  /** Takes the lock without waiting: true when taken. */
  tryLock(): Promise<boolean>;
  /** Waits a few seconds on the server for the lock: true when taken, false on its timeout. */
  waitLock(): Promise<boolean>;
}

/** Takes the copy lock on `database`, waiting (and saying so) while another copy holds it. */
export async function acquireCopyLock(
  database: string,
  ops: TargetLockOps,
  log: Logger,
  signal?: AbortSignal,
): Promise<void> {
  throwIfAborted(signal);
  if (await ops.tryLock()) return;
  const since = Date.now();
  log.info(`another copy into ${database} is running; waiting`);
  // Short server-side waits; an abort ends the wait at once (the caller then closes the session).
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new CopyAbortedError(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  try {
    for (;;) {
      throwIfAborted(signal);
      const wait = ops.waitLock();
      wait.catch(() => {});
      if (await Promise.race([wait, aborted])) break;
    }
    // Taken just as the abort came: the caller's cleanup releases it.
    throwIfAborted(signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  log.info(
    `the other copy into ${database} ended after ${((Date.now() - since) / 1000).toFixed(1)} s; copying`,
  );
}
