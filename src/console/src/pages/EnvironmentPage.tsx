import { useQuery } from '@tanstack/react-query';
import { api, paths } from '../api.js';
import { CloneBadge, StateBadge } from '../components/badges.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { ServiceTable } from '../components/ServiceTable.js';
import { Expiry, when } from '../components/time.js';
import { WithTooltip } from '../components/Tooltip.js';
import { Link, envPath, navigate } from '../router.js';
import type { EnvironmentDetail } from '../types.js';

/** Why this environment cannot be cloned now, or null when every service is deployed. */
export function unhealthyReason(env: EnvironmentDetail): string | null {
  if (env.status === 'creating') return 'it is still being created';
  if (env.status === 'failed') return 'its own clone failed';
  if (env.services.length === 0) return 'it has no services';
  const bad = env.services.filter((s) => s.deployment !== 'SUCCESS');
  if (bad.length === 0) return null;
  return bad.map((s) => `${s.name} is ${s.deployment ?? 'not deployed'}`).join(', ');
}

export function useEnvironment(name: string) {
  return useQuery({
    queryKey: ['environment', name],
    queryFn: () => api<EnvironmentDetail>(paths.environment(name)),
  });
}

export function EnvironmentPage({ name }: { name: string }) {
  const env = useEnvironment(name);
  const clones = useQuery({
    queryKey: ['clones', name],
    queryFn: () => api<{ clones: string[] }>(paths.clones(name)),
  });
  const e = env.data;
  const reason = e ? unhealthyReason(e) : 'loading';
  return (
    <main>
      <h1>
        {name} {e ? <CloneBadge env={e} /> : null}
      </h1>
      <ErrorNotice error={env.error} />
      {e ? (
        <>
          <div className="actions">
            <WithTooltip
              tip={
                reason
                  ? `Cannot clone: ${reason}.`
                  : `Clones ${e.services.length} service(s) — ${e.services.map((s) => s.name).join(', ')} — with their settings, variables and database data into a new environment.`
              }
            >
              {(describedBy) => (
                <button
                  type="button"
                  className="primary"
                  aria-disabled={reason ? 'true' : undefined}
                  aria-describedby={describedBy}
                  onClick={() => {
                    if (!reason) navigate(envPath(name, '/clone'));
                  }}
                >
                  Clone Environment
                </button>
              )}
            </WithTooltip>
            <Link to={envPath(name, '/lineage')}>Lineage</Link>
            {e.cloned_from ? <Link to={envPath(name, '/diff')}>Diff against source</Link> : null}
          </div>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <StateBadge state={e.status === 'not-railclone' ? 'source' : e.status} />
            </dd>
            {e.cloned_from ? (
              <>
                <dt>Cloned from</dt>
                <dd>
                  <Link to={envPath(e.cloned_from)}>{e.cloned_from}</Link>
                  {e.cloned_from_project_id ? ` (project ${e.cloned_from_project_id})` : ''}
                </dd>
              </>
            ) : null}
            {e.type ? (
              <>
                <dt>Type</dt>
                <dd>{e.type}</dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd>{when(e.created_at)}</dd>
            {e.status !== 'not-railclone' ? (
              <>
                <dt>Expires</dt>
                <dd>
                  <Expiry at={e.expires_at} />
                </dd>
              </>
            ) : null}
            {e.domain ? (
              <>
                <dt>URL</dt>
                <dd>
                  <a href={e.domain}>{e.domain}</a>
                </dd>
              </>
            ) : null}
            {e.created_by ? (
              <>
                <dt>Created by</dt>
                <dd>{e.created_by}</dd>
              </>
            ) : null}
          </dl>
          <h2>Services</h2>
          <ServiceTable services={e.services} />
          <h2>Clones</h2>
          <ErrorNotice error={clones.error} />
          {clones.data && clones.data.clones.length === 0 ? <p>No clones of this environment.</p> : null}
          <ul>
            {clones.data?.clones.map((c) => (
              <li key={c}>
                <Link to={envPath(c)}>{c}</Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </main>
  );
}
