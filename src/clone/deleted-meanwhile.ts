// Listings go stale: between listing a project's environments and acting on one, a user's delete, the
// expiry sweep or another clone's rollback may remove it, and Railway then refuses it ("Not Authorized"
// or "not found"). That is not the caller's failure; any other failure, or one on an environment that
// is still there, is.
import { RailwayAuthError, RailwayNotFoundError } from '../railway/errors.js';
import type { EnvironmentSummary, RailwayApi } from '../railway/types.js';

/** `work`'s result, or null when it failed because `env` was deleted meanwhile. */
export async function unlessDeletedMeanwhile<T>(
  railway: RailwayApi,
  env: EnvironmentSummary,
  work: () => Promise<T>,
): Promise<T | null> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof RailwayAuthError || err instanceof RailwayNotFoundError)) throw err;
    if ((await railway.listEnvironments(env.projectId)).some((e) => e.id === env.id)) throw err;
    return null;
  }
}
