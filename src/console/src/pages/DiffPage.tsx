// A clone against its source: the same Source | Target view as the wizard's review, from the API's diff
// (names and statuses; values are compared on the server and never sent).
import { useQuery } from '@tanstack/react-query';
import { api, paths } from '../api.js';
import { DiffView, type DiffSection } from '../components/DiffView.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Link, envPath } from '../router.js';
import type { EnvironmentDiff } from '../types.js';

export function diffSections(d: EnvironmentDiff): DiffSection[] {
  const shared: DiffSection = {
    title: 'Shared variables',
    status: d.shared.some((v) => v.status !== 'unchanged') ? 'modified' : 'unchanged',
    rows: d.shared,
  };
  return [...d.services.map((s) => ({ title: s.name, status: s.status, rows: s.variables })), shared];
}

export function DiffPage({ name }: { name: string }) {
  const diff = useQuery({ queryKey: ['diff', name], queryFn: () => api<EnvironmentDiff>(paths.diff(name)) });
  return (
    <main>
      <h1>
        Diff: {diff.data?.source ?? 'source'} → {name}
      </h1>
      <p>
        <Link to={envPath(name)}>Back to {name}</Link>
      </p>
      <ErrorNotice error={diff.error} />
      {diff.data ? (
        <DiffView caption={`${diff.data.source} against ${name}`} sections={diffSections(diff.data)} />
      ) : diff.isPending ? (
        <p aria-live="polite">Comparing…</p>
      ) : null}
    </main>
  );
}
