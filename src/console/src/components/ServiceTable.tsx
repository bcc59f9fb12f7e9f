// The one table of an environment's services: the environment page and the wizard's Source step show
// the same rows; the wizard adds each service's kind and variable count from the API's preview.
import type { Preview, ServiceView } from '../types.js';
import { StateBadge } from './badges.js';

export function ServiceTable({
  services,
  preview,
}: {
  services: ServiceView[];
  preview?: Preview | 'loading';
}) {
  const planned = preview && preview !== 'loading' ? preview : undefined;
  const kind = (s: ServiceView) => {
    const db = planned?.services.find((p) => p.name === s.name)?.database;
    return db ? `database (${db})` : (s.image ?? s.repo ?? 'app');
  };
  const vars = (name: string) =>
    planned ? Object.keys(planned.plan.find((p) => p.service === name)?.variables ?? {}).length : '…';
  return (
    <table className="list">
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Source</th>
          {preview ? <th scope="col">Variables</th> : null}
          <th scope="col">Replicas</th>
          <th scope="col">Domains</th>
          <th scope="col">Deployment</th>
        </tr>
      </thead>
      <tbody>
        {services.map((s) => (
          <tr key={s.name} data-service-row={s.name}>
            <td>{s.name}</td>
            <td>{kind(s)}</td>
            {preview ? <td>{vars(s.name)}</td> : null}
            <td>{s.replicas ?? '—'}</td>
            <td>{s.domains.join(', ') || '—'}</td>
            <td>
              <StateBadge state={s.deployment} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
