import { useQuery } from '@tanstack/react-query';
import { api, paths } from '../api.js';
import { CloneBadge, StateBadge } from '../components/badges.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { ProjectPicker } from '../components/ProjectPicker.js';
import { Expiry } from '../components/time.js';
import { Link, envPath } from '../router.js';
import type { EnvironmentListing } from '../types.js';

export function Environments() {
  const q = useQuery({
    queryKey: ['environments', 'all'],
    queryFn: () => api<{ environments: EnvironmentListing[] }>(paths.environments(true)),
    refetchInterval: 10_000,
  });
  return (
    <main>
      <h1>Environments</h1>
      <ProjectPicker />
      <ErrorNotice error={q.error} />
      {q.isPending ? <p aria-live="polite">Loading…</p> : null}
      {q.data ? (
        <table className="list">
          <caption className="sr-only">Environments of the project</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Source</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {q.data.environments.map((e) => (
              <tr key={e.id}>
                <td>
                  <Link to={envPath(e.name)}>{e.name}</Link> <CloneBadge env={e} />
                </td>
                <td>{e.type ?? '—'}</td>
                <td>{e.cloned_from ? <Link to={envPath(e.cloned_from)}>{e.cloned_from}</Link> : '—'}</td>
                <td>{e.status === 'not-railclone' ? '—' : <Expiry at={e.expires_at} />}</td>
                <td>
                  <StateBadge state={e.status === 'not-railclone' ? 'source' : e.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}
