import type { EnvironmentListing } from '../types.js';

export function CloneBadge({ env }: { env: Pick<EnvironmentListing, 'status'> }) {
  return env.status === 'not-railclone' ? null : <span className="badge clone">clone</span>;
}

export function StateBadge({ state }: { state: string | null }) {
  const s = state ?? 'unknown';
  const kind = /SUCCESS|ready/.test(s)
    ? 'ok'
    : /FAIL|CRASH|KILLED|REMOVED|failed/.test(s)
      ? 'bad'
      : /RUNNING|DEPLOY|BUILD|RETRY|creating|QUEUED|CREATED|INITIALIZING/.test(s)
        ? 'busy'
        : 'idle';
  return <span className={`badge state-${kind}`}>{s}</span>;
}
