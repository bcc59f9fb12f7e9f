// Closing TCP proxies railclone opened, tolerating ones already gone (with their environment, or closed
// by another run).
import type { RailwayApi } from '../railway/types.js';

/** Deletes each proxy; one already gone is skipped. Returns the closed ones. */
export async function closeProxies(railway: RailwayApi, ids: string[]): Promise<string[]> {
  const closed: string[] = [];
  for (const id of ids) {
    try {
      await railway.deleteTcpProxy(id);
      closed.push(id);
    } catch {
      // Already gone: nothing to close.
    }
  }
  return closed;
}
