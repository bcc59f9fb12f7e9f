// Which Railway project the console shows, when the key's token sees several (each workspace's projects,
// as the API lists them). The choice lives in sessionStorage beside the key and names the project in every
// environment read and clone request; without one the API's default project is used.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, api, paths, project } from '../api.js';
import { ErrorNotice } from './ErrorNotice.js';

export interface ProjectList {
  default_project_id: string | null;
  projects: { id: string; name: string; workspace: { id: string; name: string } | null }[];
}

export function ProjectPicker() {
  const queries = useQueryClient();
  const list = useQuery({ queryKey: ['projects'], queryFn: () => api<ProjectList>(paths.projects()) });
  const data = list.data;
  const current = project.get() ?? data?.default_project_id ?? null;
  // No default project on the API and none chosen: the first one the token sees.
  useEffect(() => {
    if (data && !current && data.projects[0]) choose(data.projects[0].id);
  }, [data, current]);
  function choose(id: string) {
    project.set(id);
    // Every other query reads the project when it runs: start them again for the new one.
    void queries.resetQueries({ predicate: (q) => q.queryKey[0] !== 'projects' });
  }
  // A key that may not list environments may not list projects either: the page's own notice says so.
  if (list.error instanceof ApiError && list.error.status === 403) return null;
  if (list.error) return <ErrorNotice error={list.error} />;
  if (!data || (data.projects.length < 2 && data.default_project_id)) return null;
  return (
    <p className="project-picker">
      <label>
        Project{' '}
        <select value={current ?? ''} onChange={(e) => choose(e.target.value)}>
          {data.projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.workspace ? ` (${p.workspace.name})` : ''}
            </option>
          ))}
        </select>
      </label>
    </p>
  );
}
